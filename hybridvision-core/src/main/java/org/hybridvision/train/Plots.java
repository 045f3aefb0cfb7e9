package org.hybridvision.train;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PNG charts of a run, drawn with Java2D (no extra dependency): line plots of loss, accuracy and learning rate (the
 * confusion-matrix heat map is {@link org.hybridvision.eval.ConfusionMatrix#writePng}). Files are written atomically
 * so a viewer never sees half a PNG.
 */
public final class Plots {
    private Plots() {}

    private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189)};

    /** Writes loss.png, accuracy.png and lr.png into {@code dir} from the metrics and the schedule. */
    public static void write(Path dir, List<Metrics.Row> rows, CosineSchedule schedule, long stepsDone) {
        Map<String, double[][]> loss = new LinkedHashMap<>();
        loss.put("train loss", series(rows, Metrics.Row::trainLoss));
        loss.put("val loss", series(rows, Metrics.Row::valLoss));
        lines(dir.resolve("loss.png"), "Loss", "epoch", loss);
        Map<String, double[][]> acc = new LinkedHashMap<>();
        acc.put("val top-1", series(rows, r -> 100 * r.valTop1()));
        acc.put("val top-5", series(rows, r -> 100 * r.valTop5()));
        acc.put("EMA val top-1", series(rows, r -> 100 * r.emaTop1()));
        acc.put("train top-1", series(rows, r -> 100 * r.trainTop1()));
        lines(dir.resolve("accuracy.png"), "Accuracy (%)", "epoch", acc);
        int points = 400;
        long total = schedule.totalSteps();
        List<double[]> lr = new ArrayList<>();
        List<double[]> done = new ArrayList<>();
        for (int i = 0; i <= points; i++) {
            long s = Math.min(total - 1, total * i / points);
            double[] p = {s, schedule.lr(s)};
            (s <= stepsDone ? done : lr).add(p);
        }
        Map<String, double[][]> lrs = new LinkedHashMap<>();
        lrs.put("done", done.toArray(new double[0][]));
        lrs.put("planned", lr.toArray(new double[0][]));
        lines(dir.resolve("lr.png"), "Learning rate", "step", lrs);
    }

    private static double[][] series(List<Metrics.Row> rows, java.util.function.ToDoubleFunction<Metrics.Row> f) {
        List<double[]> out = new ArrayList<>();
        for (Metrics.Row r : rows) {
            double v = f.applyAsDouble(r);
            if (Double.isFinite(v)) {
                out.add(new double[] {r.epoch(), v});
            }
        }
        return out.toArray(new double[0][]);
    }

    /**
     * A line chart.
     *
     * @param file PNG to write
     * @param title chart title
     * @param xLabel x-axis label
     * @param series name to points {@code {x, y}} (empty series are skipped)
     */
    public static void lines(Path file, String title, String xLabel, Map<String, double[][]> series) {
        int w = 800;
        int h = 500;
        int left = 80;
        int right = 20;
        int top = 40;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (double[][] s : series.values()) {
            for (double[] p : s) {
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, w - left - right, h - top - bottom);
        g.drawString(xLabel, w / 2, h - 15);
        if (x0 <= x1) {
            if (x1 == x0) {
                x0 -= 0.5;
                x1 += 0.5;
            }
            double pad = (y1 - y0) * 0.05 + (y1 == y0 ? Math.abs(y0) * 0.05 + 1e-9 : 0);
            y0 -= pad;
            y1 += pad;
            int pw = w - left - right;
            int ph = h - top - bottom;
            for (int i = 0; i <= 5; i++) {
                double yv = y0 + (y1 - y0) * i / 5;
                int yy = top + ph - (int) (ph * i / 5.0);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(left + 1, yy, left + pw - 1, yy);
                g.setColor(Color.DARK_GRAY);
                g.drawString(fmt(yv), 5, yy + 4);
                double xv = x0 + (x1 - x0) * i / 5;
                int xx = left + (int) (pw * i / 5.0);
                g.drawString(fmt(xv), xx - 10, top + ph + 18);
            }
            int k = 0;
            int legendY = top + 18;
            for (Map.Entry<String, double[][]> e : series.entrySet()) {
                double[][] s = e.getValue();
                if (s.length == 0) {
                    continue;
                }
                Color c = COLORS[k++ % COLORS.length];
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                int px = -1, py = -1;
                for (double[] p : s) {
                    int xx = left + (int) ((p[0] - x0) / (x1 - x0) * pw);
                    int yy = top + ph - (int) ((p[1] - y0) / (y1 - y0) * ph);
                    if (px >= 0) {
                        g.drawLine(px, py, xx, yy);
                    }
                    g.fillOval(xx - 3, yy - 3, s.length > 60 ? 0 : 6, s.length > 60 ? 0 : 6);
                    px = xx;
                    py = yy;
                }
                g.drawLine(left + pw - 150, legendY - 4, left + pw - 125, legendY - 4);
                g.setColor(Color.BLACK);
                g.drawString(e.getKey(), left + pw - 120, legendY);
                legendY += 16;
            }
        }
        g.dispose();
        save(img, file);
    }

    private static Graphics2D start(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        return a != 0 && (a < 1e-2 || a >= 1e5) ? String.format(Locale.ROOT, "%.1e", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }

    private static void save(BufferedImage img, Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
