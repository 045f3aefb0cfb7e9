package org.hybridvision.detection.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns per-image matchings into precision and recall (pycocotools' {@code accumulate}).
 *
 * <p>For each category, area range and detection limit: the first {@code limit} ranked detections of every image
 * are pooled (images in ascending id order) and ranked by score again (ties keep that order); true and false
 * positives are counted cumulatively, ignored detections counting as neither; recall is true positives over the
 * regular (not ignored) ground truths; precision is made monotone from the right (the interpolated precision
 * envelope) and read at each recall point as the precision of the first rank whose recall reaches it (0 beyond the
 * highest recall reached). Precision is -1 where a category has no regular ground truth in the range.
 */
final class PrecisionAccumulator {
    private PrecisionAccumulator() {
    }

    /** Precision at recall points, recall, and the score at each recall point, flat arrays. */
    record Curves(double[] precision, double[] recall, double[] scores) {
    }

    /** {@code numpy.spacing(1)}: keeps precision finite when there is no detection. */
    private static final double EPS = Math.ulp(1.0);

    /**
     * @param matches {@code [category][area range][image]} matchings, null where an image has neither ground truth
     *     nor detections of the category
     * @param params the settings
     * @return precision {@code [T][R][K][A][M]}, recall {@code [T][K][A][M]} and scores {@code [T][R][K][A][M]},
     *     row-major
     */
    static Curves accumulate(ImageMatcher.Match[][][] matches, EvalParams params) {
        double[] recThrs = params.recallThresholds();
        int[] limits = params.maxDetections();
        int nt = params.iouThresholds().length;
        int nr = recThrs.length;
        int nk = matches.length;
        int na = params.areaRanges().size();
        int nm = limits.length;
        double[] precision = new double[nt * nr * nk * na * nm];
        double[] recall = new double[nt * nk * na * nm];
        double[] scores = new double[precision.length];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        Arrays.fill(scores, -1);
        for (int k = 0; k < nk; k++) {
            for (int a = 0; a < na; a++) {
                List<ImageMatcher.Match> e = new ArrayList<>();
                for (ImageMatcher.Match m : matches[k][a]) {
                    if (m != null) {
                        e.add(m);
                    }
                }
                if (e.isEmpty()) {
                    continue;
                }
                int regular = 0;
                for (ImageMatcher.Match m : e) {
                    for (boolean ig : m.truthIgnored()) {
                        regular += ig ? 0 : 1;
                    }
                }
                if (regular == 0) {
                    continue;
                }
                // pool every image's ranked detections (images in id order) and rank them once by score; the pool
                // for a smaller limit is this ranking restricted to each image's first detections (stable sorts)
                int total = 0;
                for (ImageMatcher.Match m : e) {
                    total += m.scores().length;
                }
                double[] pooledScores = new double[total];
                int[] rankInImage = new int[total];
                boolean[][] pooledMatched = new boolean[nt][total];
                boolean[][] pooledIgnored = new boolean[nt][total];
                int at = 0;
                for (ImageMatcher.Match m : e) {
                    int c = m.scores().length;
                    System.arraycopy(m.scores(), 0, pooledScores, at, c);
                    for (int t = 0; t < nt; t++) {
                        System.arraycopy(m.matched()[t], 0, pooledMatched[t], at, c);
                        System.arraycopy(m.ignored()[t], 0, pooledIgnored[t], at, c);
                    }
                    for (int i = 0; i < c; i++) {
                        rankInImage[at + i] = i;
                    }
                    at += c;
                }
                Integer[] ranked = new Integer[total];
                for (int i = 0; i < total; i++) {
                    ranked[i] = i;
                }
                Arrays.sort(ranked, (x, y) -> pooledScores[x] > pooledScores[y] ? -1
                        : pooledScores[x] < pooledScores[y] ? 1 : 0);
                for (int mi = 0; mi < nm; mi++) {
                    int limit = limits[mi];
                    int n = 0;
                    int[] order = new int[total];
                    for (int i = 0; i < total; i++) {
                        if (rankInImage[ranked[i]] < limit) {
                            order[n++] = ranked[i];
                        }
                    }
                    double[] sortedScores = new double[n];
                    for (int i = 0; i < n; i++) {
                        sortedScores[i] = pooledScores[order[i]];
                    }
                    for (int t = 0; t < nt; t++) {
                        double[] rc = new double[n];
                        double[] pr = new double[n];
                        double tp = 0;
                        double fp = 0;
                        for (int i = 0; i < n; i++) {
                            int j = order[i];
                            if (!pooledIgnored[t][j]) {
                                if (pooledMatched[t][j]) {
                                    tp++;
                                } else {
                                    fp++;
                                }
                            }
                            rc[i] = tp / regular;
                            pr[i] = tp / (fp + tp + EPS);
                        }
                        recall[((t * nk + k) * na + a) * nm + mi] = n > 0 ? rc[n - 1] : 0;
                        for (int i = n - 1; i > 0; i--) {
                            if (pr[i] > pr[i - 1]) {
                                pr[i - 1] = pr[i];
                            }
                        }
                        int i = 0;
                        for (int r = 0; r < nr; r++) {
                            while (i < n && rc[i] < recThrs[r]) {
                                i++; // first rank whose recall reaches the point (numpy searchsorted, side left)
                            }
                            int o = (((t * nr + r) * nk + k) * na + a) * nm + mi;
                            precision[o] = i < n ? pr[i] : 0;
                            scores[o] = i < n ? sortedScores[i] : 0;
                        }
                    }
                }
            }
        }
        return new Curves(precision, recall, scores);
    }
}
