package org.hybridvision.eval;

import org.hybridvision.HybridVisionException;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Counts of (true class, predicted class) pairs; rows are true classes, columns predictions. Written as CSV and as a
 * PNG heat map (java.awt only; each row normalised to its own total so that rare classes stay visible).
 */
public final class ConfusionMatrix {
    private final List<String> labels;
    private final long[][] counts;

    /**
     * @param labels one name per class, in index order
     */
    public ConfusionMatrix(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.counts = new long[labels.size()][labels.size()];
    }

    /**
     * @param truth true class
     * @param predicted predicted class
     */
    public void add(int truth, int predicted) {
        counts[truth][predicted]++;
    }

    /** @return number of classes */
    public int size() {
        return labels.size();
    }

    /** @return class names */
    public List<String> labels() {
        return labels;
    }

    /**
     * @param truth true class
     * @param predicted predicted class
     * @return how many images of class {@code truth} were predicted as {@code predicted}
     */
    public long get(int truth, int predicted) {
        return counts[truth][predicted];
    }

    /** @return all counted images */
    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /** @return images on the diagonal */
    public long correct() {
        long n = 0;
        for (int i = 0; i < counts.length; i++) {
            n += counts[i][i];
        }
        return n;
    }

    /**
     * Writes the matrix: a header row {@code true\predicted,<class names>}, then one row per true class.
     *
     * @param file destination
     * @throws HybridVisionException if the file cannot be written
     */
    public void writeCsv(Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("true\\predicted");
            for (String l : labels) {
                w.write(',');
                w.write(csv(l));
            }
            w.write('\n');
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < counts.length; i++) {
                sb.setLength(0);
                sb.append(csv(labels.get(i)));
                for (long v : counts[i]) {
                    sb.append(',').append(v);
                }
                sb.append('\n');
                w.write(sb.toString());
            }
        } catch (IOException e) {
            throw new HybridVisionException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Quotes a CSV field when needed (RFC 4180). */
    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /**
     * Draws the heat map: cell colour = count / row total (white 0 to dark blue 1); class names on the axes when there
     * is room (up to 60 classes), counts in the cells when there is room (up to 20 classes).
     *
     * @return the image
     */
    public BufferedImage render() {
        int n = counts.length;
        int cell = Math.max(1, Math.min(40, 1000 / Math.max(1, n)));
        boolean names = n <= 60;
        boolean numbers = n <= 20;
        int margin = names ? 130 : 30;
        int w = margin + n * cell + 10;
        int h = margin + n * cell + 10;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(12, cell - 2))));
            for (int i = 0; i < n; i++) {
                long rowTotal = 0;
                for (long v : counts[i]) {
                    rowTotal += v;
                }
                for (int j = 0; j < n; j++) {
                    double f = rowTotal == 0 ? 0 : (double) counts[i][j] / rowTotal;
                    g.setColor(heat(f));
                    g.fillRect(margin + j * cell, margin + i * cell, cell, cell);
                    if (numbers && counts[i][j] > 0) {
                        g.setColor(f > 0.5 ? Color.WHITE : Color.BLACK);
                        String t = Long.toString(counts[i][j]);
                        int tw = g.getFontMetrics().stringWidth(t);
                        g.drawString(t, margin + j * cell + (cell - tw) / 2, margin + i * cell + cell / 2 + 4);
                    }
                }
            }
            g.setColor(Color.GRAY);
            g.drawRect(margin - 1, margin - 1, n * cell + 1, n * cell + 1);
            g.setColor(Color.BLACK);
            g.drawString("predicted \u2192", margin, 12);
            g.drawString("true \u2193", 2, margin - 4);
            if (names) {
                for (int i = 0; i < n; i++) {
                    String l = shorten(labels.get(i));
                    g.drawString(l, 2, margin + i * cell + cell / 2 + 4);
                    Graphics2D r = (Graphics2D) g.create();
                    r.translate(margin + j(i, cell) + cell / 2 + 4, margin - 4);
                    r.rotate(-Math.PI / 2);
                    r.drawString(l, 0, 0);
                    r.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static int j(int i, int cell) {
        return i * cell;
    }

    private static String shorten(String s) {
        return s.length() <= 18 ? s : s.substring(0, 17) + "\u2026";
    }

    /** White (0) to dark blue (1). */
    private static Color heat(double f) {
        f = Math.max(0, Math.min(1, f));
        int r = (int) Math.round(255 * (1 - f) + 8 * f);
        int g = (int) Math.round(255 * (1 - f) + 48 * f);
        int b = (int) Math.round(255 * (1 - f) + 107 * f);
        return new Color(r, g, b);
    }

    /**
     * Writes the heat map of {@link #render()} as PNG.
     *
     * @param file destination
     * @throws HybridVisionException if the file cannot be written
     */
    public void writePng(Path file) {
        try {
            if (!ImageIO.write(render(), "png", file.toFile())) {
                throw new HybridVisionException("no PNG writer available for " + file);
            }
        } catch (IOException e) {
            throw new HybridVisionException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
