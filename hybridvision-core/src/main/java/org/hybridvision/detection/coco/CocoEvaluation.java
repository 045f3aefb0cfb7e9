package org.hybridvision.detection.coco;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a {@link CocoEvaluator} run: the precision / recall arrays, the standard 12-number summary, and AP
 * per category.
 *
 * <p>The summary is pycocotools' {@code summarize()}: AP averaged over IoU thresholds 0.50:0.95, recall points and
 * categories (entries of -1, categories without ground truth in the range, left out of the mean), at 100 detections;
 * AP at IoU 0.50 and 0.75; AP for small, medium and large objects; AR (recall averaged over thresholds and
 * categories) at 1, 10 and 100 detections; AR for small, medium, large. A figure that has nothing to average is -1,
 * as there. {@link #summaryLines()} prints them exactly as pycocotools does (three decimals, rounded as Python
 * rounds).
 *
 * <p>Immutable.
 */
public final class CocoEvaluation {
    /** The names of the 12 summary figures, in order. */
    public static final List<String> STAT_NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10",
            "AR100", "ARs", "ARm", "ARl");

    private final IouType type;
    private final EvalParams params;
    private final List<CocoCategory> categories;
    private final int[] regularTruths;
    private final int images;
    private final int detections;
    private final double[] precision;
    private final double[] recall;
    private final double[] scores;
    private final List<String> warnings;
    private final int nt;
    private final int nr;
    private final int nk;
    private final int na;
    private final int nm;
    private final double[] stats;

    CocoEvaluation(IouType type, EvalParams params, List<CocoCategory> categories, int[] regularTruths, int images,
            int detections, double[] precision, double[] recall, double[] scores, List<String> warnings) {
        this.type = type;
        this.params = params;
        this.categories = List.copyOf(categories);
        this.regularTruths = regularTruths.clone();
        this.images = images;
        this.detections = detections;
        this.precision = precision;
        this.recall = recall;
        this.scores = scores;
        this.warnings = List.copyOf(warnings);
        this.nt = params.iouThresholds().length;
        this.nr = params.recallThresholds().length;
        this.nk = categories.size();
        this.na = params.areaRanges().size();
        this.nm = params.maxDetections().length;
        this.stats = computeStats();
    }

    /** One category's average precision. */
    public record CategoryAp(CocoCategory category, int groundTruths, double ap, double ap50, double ap75) {
    }

    /** @return boxes or masks */
    public IouType iouType() {
        return type;
    }

    /** @return the settings */
    public EvalParams params() {
        return params;
    }

    /** @return images evaluated */
    public int images() {
        return images;
    }

    /** @return detections given */
    public int detections() {
        return detections;
    }

    /** @return notes about what was left out */
    public List<String> warnings() {
        return warnings;
    }

    /** @return the 12 summary figures (see {@link #STAT_NAMES}), a copy */
    public double[] stats() {
        return stats.clone();
    }

    /** @return AP at IoU 0.50:0.95, 100 detections */
    public double ap() {
        return stats[0];
    }

    /** @return AP at IoU 0.50 */
    public double ap50() {
        return stats[1];
    }

    /** @return AP at IoU 0.75 */
    public double ap75() {
        return stats[2];
    }

    /**
     * @param t IoU threshold index
     * @param r recall point index
     * @param k category index (label order)
     * @param a area range index
     * @param m detection limit index
     * @return interpolated precision, -1 where undefined (pycocotools' {@code eval['precision'][t, r, k, a, m]})
     */
    public double precision(int t, int r, int k, int a, int m) {
        return precision[(((t * nr + r) * nk + k) * na + a) * nm + m];
    }

    /**
     * @param t IoU threshold index
     * @param k category index
     * @param a area range index
     * @param m detection limit index
     * @return recall, -1 where undefined ({@code eval['recall'][t, k, a, m]})
     */
    public double recall(int t, int k, int a, int m) {
        return recall[((t * nk + k) * na + a) * nm + m];
    }

    /**
     * @param t IoU threshold index
     * @param r recall point index
     * @param k category index
     * @param a area range index
     * @param m detection limit index
     * @return the score of the detection at which that recall is reached ({@code eval['scores']})
     */
    public double score(int t, int r, int k, int a, int m) {
        return scores[(((t * nr + r) * nk + k) * na + a) * nm + m];
    }

    /**
     * AP per category over all areas at the largest detection limit, as detectron2 and mmdetection tabulate it:
     * the mean of that category's precision entries above -1 (NaN when it has none: no ground truth).
     *
     * @return one entry per category, in label order
     */
    public List<CategoryAp> perCategory() {
        int all = params.areaIndex("all") >= 0 ? params.areaIndex("all") : 0;
        int m = params.maxDetections().length - 1;
        int t50 = params.iouIndex(0.5);
        int t75 = params.iouIndex(0.75);
        List<CategoryAp> out = new ArrayList<>();
        for (int k = 0; k < categories.size(); k++) {
            out.add(new CategoryAp(categories.get(k), regularTruths[k], categoryMean(k, all, m, -1),
                    t50 < 0 ? Double.NaN : categoryMean(k, all, m, t50),
                    t75 < 0 ? Double.NaN : categoryMean(k, all, m, t75)));
        }
        return out;
    }

    private double categoryMean(int k, int a, int m, int onlyT) {
        double sum = 0;
        int n = 0;
        for (int t = 0; t < nt; t++) {
            if (onlyT >= 0 && t != onlyT) {
                continue;
            }
            for (int r = 0; r < nr; r++) {
                double p = precision(t, r, k, a, m);
                if (p > -1) {
                    sum += p;
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * One summary figure, as pycocotools' {@code _summarize}.
     *
     * @param ap true for average precision, false for average recall
     * @param iouThreshold one IoU threshold, or null for all
     * @param area the area range name
     * @param maxDets the detection limit
     * @return the mean of the defined entries, or -1
     */
    public double summarize(boolean ap, Double iouThreshold, String area, int maxDets) {
        int a = params.areaIndex(area);
        int m = params.maxDetIndex(maxDets);
        int onlyT = iouThreshold == null ? -1 : params.iouIndex(iouThreshold);
        if (a < 0 || m < 0 || (iouThreshold != null && onlyT < 0)) {
            return -1;
        }
        double sum = 0;
        long n = 0;
        for (int t = 0; t < nt; t++) {
            if (onlyT >= 0 && t != onlyT) {
                continue;
            }
            for (int k = 0; k < categories.size(); k++) {
                if (ap) {
                    for (int r = 0; r < nr; r++) {
                        double p = precision(t, r, k, a, m);
                        if (p > -1) {
                            sum += p;
                            n++;
                        }
                    }
                } else {
                    double rc = recall(t, k, a, m);
                    if (rc > -1) {
                        sum += rc;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private double[] computeStats() {
        int[] md = params.maxDetections();
        int last = md[md.length - 1];
        int m0 = md[0];
        int m1 = md.length > 1 ? md[1] : md[0];
        int m2 = md.length > 2 ? md[2] : last;
        return new double[] {
            summarize(true, null, "all", last),
            summarize(true, 0.5, "all", m2),
            summarize(true, 0.75, "all", m2),
            summarize(true, null, "small", m2),
            summarize(true, null, "medium", m2),
            summarize(true, null, "large", m2),
            summarize(false, null, "all", m0),
            summarize(false, null, "all", m1),
            summarize(false, null, "all", m2),
            summarize(false, null, "small", m2),
            summarize(false, null, "medium", m2),
            summarize(false, null, "large", m2)};
    }

    /** @return the 12 lines pycocotools' {@code summarize()} prints, in its exact format */
    public List<String> summaryLines() {
        int[] md = params.maxDetections();
        int m0 = md[0];
        int m1 = md.length > 1 ? md[1] : md[0];
        int m2 = md.length > 2 ? md[2] : md[md.length - 1];
        double[] thr = params.iouThresholds();
        String all = fixed(thr[0], 2) + ":" + fixed(thr[thr.length - 1], 2);
        Object[][] rows = {
            {true, all, "all", md[md.length - 1]}, {true, "0.50", "all", m2}, {true, "0.75", "all", m2},
            {true, all, "small", m2}, {true, all, "medium", m2}, {true, all, "large", m2},
            {false, all, "all", m0}, {false, all, "all", m1}, {false, all, "all", m2},
            {false, all, "small", m2}, {false, all, "medium", m2}, {false, all, "large", m2}};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            boolean ap = (Boolean) rows[i][0];
            lines.add(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", rows[i][1], rows[i][2],
                    rows[i][3], fixed(stats[i], 3)));
        }
        return lines;
    }

    /** @return the summary lines joined, with a trailing newline */
    public String summary() {
        return String.join("\n", summaryLines()) + "\n";
    }

    /**
     * @param v a number
     * @param decimals digits after the point
     * @return {@code v} with that many decimals, rounded half-even on its exact binary value (as Python's
     *     {@code format(v, '.3f')}; Java's {@code %.3f} rounds the decimal text and can differ)
     */
    static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** @return the per-category table (category id, name, ground truths, AP, AP50, AP75), one line each */
    public String perCategoryTable() {
        StringBuilder s = new StringBuilder();
        int width = 8;
        for (CocoCategory c : categories) {
            width = Math.max(width, c.name().length());
        }
        s.append(String.format(Locale.ROOT, "%4s  %-" + width + "s  %7s  %6s  %6s  %6s%n", "id", "category", "objects",
                "AP", "AP50", "AP75"));
        for (CategoryAp c : perCategory()) {
            s.append(String.format(Locale.ROOT, "%4d  %-" + width + "s  %7d  %6s  %6s  %6s%n", c.category().id(),
                    c.category().name(), c.groundTruths(), percent(c.ap()), percent(c.ap50()), percent(c.ap75())));
        }
        return s.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : fixed(100 * v, 1);
    }

    /** @return the figures as JSON: iou type, the 12 stats by name, per-category AP, warnings */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("iou_type", type.cocoName());
        o.addProperty("images", images);
        o.addProperty("detections", detections);
        JsonObject st = new JsonObject();
        for (int i = 0; i < stats.length; i++) {
            st.addProperty(STAT_NAMES.get(i), stats[i]);
        }
        o.add("stats", st);
        JsonArray cats = new JsonArray();
        for (CategoryAp c : perCategory()) {
            JsonObject e = new JsonObject();
            e.addProperty("id", c.category().id());
            e.addProperty("name", c.category().name());
            e.addProperty("objects", c.groundTruths());
            e.addProperty("AP", Double.isNaN(c.ap()) ? null : c.ap());
            e.addProperty("AP50", Double.isNaN(c.ap50()) ? null : c.ap50());
            e.addProperty("AP75", Double.isNaN(c.ap75()) ? null : c.ap75());
            cats.add(e);
        }
        o.add("per_category", cats);
        JsonArray w = new JsonArray();
        warnings.forEach(w::add);
        o.add("warnings", w);
        return o;
    }
}
