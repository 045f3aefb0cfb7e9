package org.hybridvision.detection.coco;

import java.util.Arrays;

/**
 * Rasterises one polygon outline into an {@link Rle} with the COCO mask API's rule ({@code rleFrPoly}, what
 * pycocotools' {@code frPyObjects} uses), so that masks, areas and mask IoUs agree with the COCO tools pixel for
 * pixel.
 *
 * <p>The rule, as we implement it:
 * <ol>
 *   <li>vertices are scaled by 5 and rounded ({@code (int) (5 v + 0.5)}, truncating toward zero as C does), and the
 *       outline is closed;</li>
 *   <li>each edge is walked one step per unit of its longer axis in that 5x grid (a DDA), giving a dense chain of
 *       grid points;</li>
 *   <li>wherever the chain moves from one grid column to the next, and that column lies on a pixel centre of the
 *       image (grid column {@code 5 x + 2}), the crossing's upper grid row is mapped back to image rows and rounded
 *       up: this is where the mask toggles in that pixel column;</li>
 *   <li>the toggle positions, in column-major pixel order, sorted, become the runs (coinciding toggles cancel).</li>
 * </ol>
 * A pixel is thus inside when its centre is inside the outline, up to COCO's 1/5-pixel rounding of the vertices;
 * parts outside the image are cut off.
 */
final class PolygonRaster {
    private PolygonRaster() {
    }

    private static final double SCALE = 5;
    /** Grid points of the longest outline rasterised (each costs 8 bytes): far beyond any real image. */
    private static final long MAX_POINTS = 1L << 27;

    /**
     * @param xy vertices {@code x0, y0, x1, y1, ...} (at least one point)
     * @param height image height
     * @param width image width
     * @return the mask inside the outline
     */
    static Rle rasterize(double[] xy, int height, int width) {
        int k = xy.length / 2;
        int[] gx = new int[k + 1];
        int[] gy = new int[k + 1];
        for (int j = 0; j < k; j++) {
            gx[j] = (int) (SCALE * xy[2 * j] + 0.5);
            gy[j] = (int) (SCALE * xy[2 * j + 1] + 0.5);
        }
        gx[k] = gx[0];
        gy[k] = gy[0];

        // 2. dense chain of grid points along the closed outline
        long points = 0;
        for (int j = 0; j < k; j++) {
            points += Math.max(Math.abs((long) gx[j] - gx[j + 1]), Math.abs((long) gy[j] - gy[j + 1])) + 1;
        }
        if (points > MAX_POINTS) {
            throw new IllegalArgumentException("polygon outline is too long to rasterise (" + points / 5
                    + " pixels): its vertices lie far outside any image");
        }
        int[] u = new int[(int) points];
        int[] v = new int[(int) points];
        int n = 0;
        for (int j = 0; j < k; j++) {
            int xs = gx[j];
            int xe = gx[j + 1];
            int ys = gy[j];
            int ye = gy[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            // walk from the lower end of the major axis so both directions give the same points
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            if (dx >= dy) {
                double slope = (double) (ye - ys) / dx; // NaN for a zero-length edge: its one point never toggles
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[n] = t + xs;
                    v[n] = (int) (ys + slope * t + 0.5);
                    n++;
                }
            } else {
                double slope = (double) (xe - xs) / dy;
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[n] = t + ys;
                    u[n] = (int) (xs + slope * t + 0.5);
                    n++;
                }
            }
        }

        // 3. toggles where the chain crosses a pixel-centre column
        long[] toggles = new long[n + 1];
        int m = 0;
        for (int j = 1; j < n; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + 0.5) / SCALE - 0.5;
            if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) {
                continue;
            }
            double yd = Math.min(v[j], v[j - 1]);
            yd = (yd + 0.5) / SCALE - 0.5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > height) {
                yd = height;
            }
            yd = Math.ceil(yd);
            toggles[m++] = (long) xd * height + (long) yd;
        }

        // 4. sorted toggle positions -> run lengths; coinciding toggles cancel
        toggles[m++] = (long) height * width;
        long[] sorted = Arrays.copyOf(toggles, m);
        Arrays.sort(sorted);
        int[] runs = new int[m];
        long previous = 0;
        for (int j = 0; j < m; j++) {
            runs[j] = (int) (sorted[j] - previous);
            previous = sorted[j];
        }
        return Rle.of(height, width, runs);
    }
}
