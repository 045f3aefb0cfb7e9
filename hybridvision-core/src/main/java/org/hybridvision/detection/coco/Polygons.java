package org.hybridvision.detection.coco;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An instance mask given as one or more polygon outlines (a COCO {@code "segmentation": [[x0, y0, x1, y1, ...], ...]}):
 * an object split into visible parts by an occluder has one outline per part. Coordinates are continuous pixel
 * coordinates (pixel {@code (x, y)} covers {@code [x, x+1) x [y, y+1)}).
 *
 * <p>{@link #toRle(int, int)} rasterises the outlines as the COCO tools do (each outline by COCO's rule, see
 * {@link PolygonRaster}; the parts merged), so areas and mask IoUs agree with pycocotools.
 *
 * <p>Each outline needs at least 3 points (6 numbers), all finite. pycocotools would take a 4-number "polygon" for a
 * box; we refuse it as malformed instead of guessing.
 *
 * <p>Immutable.
 */
public final class Polygons implements Segmentation {
    private final List<double[]> rings;

    private Polygons(List<double[]> rings) {
        this.rings = rings;
    }

    /**
     * @param rings outlines {@code {x0, y0, x1, y1, ...}}, copied
     * @return the segmentation
     * @throws IllegalArgumentException when there is no outline, an outline has an odd count of numbers or fewer than
     *     3 points, or a number is not finite
     */
    public static Polygons of(List<double[]> rings) {
        if (rings.isEmpty()) {
            throw new IllegalArgumentException("a polygon segmentation needs at least one outline");
        }
        List<double[]> copy = new ArrayList<>(rings.size());
        for (int r = 0; r < rings.size(); r++) {
            double[] ring = rings.get(r);
            String problem = problem(ring);
            if (problem != null) {
                throw new IllegalArgumentException("polygon " + r + " " + problem);
            }
            copy.add(ring.clone());
        }
        return new Polygons(Collections.unmodifiableList(copy));
    }

    /**
     * @param rings outlines {@code {x0, y0, x1, y1, ...}}, copied
     * @return the segmentation
     * @throws IllegalArgumentException as {@link #of(List)}
     */
    public static Polygons of(double[]... rings) {
        return of(List.of(rings));
    }

    /**
     * @param ring one outline
     * @return what is wrong with it, or null when it is a valid outline
     */
    static String problem(double[] ring) {
        if (ring.length % 2 != 0) {
            return "has an odd count of numbers (" + ring.length + "): expected x, y pairs";
        }
        if (ring.length < 6) {
            return "has " + ring.length / 2 + " point(s): an outline needs at least 3";
        }
        for (double v : ring) {
            if (!Double.isFinite(v)) {
                return "has a coordinate that is not a finite number (" + v + ")";
            }
        }
        return null;
    }

    /** @return the outlines (copies) */
    public List<double[]> rings() {
        List<double[]> out = new ArrayList<>(rings.size());
        for (double[] r : rings) {
            out.add(r.clone());
        }
        return out;
    }

    /** @return the number of outlines */
    public int size() {
        return rings.size();
    }

    /** @return the box spanned by all vertices */
    public CocoBox boundingBox() {
        double x1 = Double.POSITIVE_INFINITY;
        double y1 = Double.POSITIVE_INFINITY;
        double x2 = Double.NEGATIVE_INFINITY;
        double y2 = Double.NEGATIVE_INFINITY;
        for (double[] ring : rings) {
            for (int i = 0; i < ring.length; i += 2) {
                x1 = Math.min(x1, ring[i]);
                x2 = Math.max(x2, ring[i]);
                y1 = Math.min(y1, ring[i + 1]);
                y2 = Math.max(y2, ring[i + 1]);
            }
        }
        return CocoBox.fromXyxy(x1, y1, x2, y2);
    }

    /**
     * @param height image height
     * @param width image width
     * @return the union of the rasterised outlines
     * @throws IllegalArgumentException when an outline reaches absurdly far outside the image (see
     *     {@link PolygonRaster})
     */
    @Override
    public Rle toRle(int height, int width) {
        Rle mask = PolygonRaster.rasterize(rings.get(0), height, width);
        for (int i = 1; i < rings.size(); i++) {
            mask = mask.union(PolygonRaster.rasterize(rings.get(i), height, width));
        }
        return mask;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Polygons p) || p.rings.size() != rings.size()) {
            return false;
        }
        for (int i = 0; i < rings.size(); i++) {
            if (!java.util.Arrays.equals(rings.get(i), p.rings.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (double[] r : rings) {
            h = 31 * h + java.util.Arrays.hashCode(r);
        }
        return h;
    }

    @Override
    public String toString() {
        return "Polygons[" + rings.size() + " outline(s)]";
    }
}
