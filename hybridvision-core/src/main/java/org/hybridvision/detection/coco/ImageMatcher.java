package org.hybridvision.detection.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The COCO metric for one image and one category (pycocotools' {@code computeIoU} and {@code evaluateImg}): the
 * detections ranked by score (ties keep their input order) and cut to the largest detection limit, their overlaps
 * with every ground truth, and, per area range and IoU threshold, the greedy matching.
 *
 * <p>Matching, as the COCO metric defines it: detections are taken in score order; each takes the ground truth it
 * overlaps most (at least the threshold) among those not yet taken, a crowd region being never "taken" (it absorbs
 * any number of detections); ground truths that are ignored in this area range (crowd regions, areas outside the
 * range) are tried only when no regular one matches. A detection matched to an ignored ground truth is ignored (not a
 * true positive, not a false positive); so is an unmatched detection whose own area lies outside the range.
 */
final class ImageMatcher {

    /** A ground truth as the matcher sees it. */
    record Truth(boolean crowd, double area, CocoBox box, Rle mask) {
    }

    /** A detection as the matcher sees it. */
    record Candidate(double score, double area, CocoBox box, Rle mask) {
    }

    /**
     * The outcome in one area range: per threshold and ranked detection whether it matched and whether it is
     * ignored; per ground truth (regular ones first) whether it is ignored.
     */
    record Match(double[] scores, boolean[][] matched, boolean[][] ignored, boolean[] truthIgnored) {
    }

    private final List<Truth> truths;
    private final List<Candidate> ranked;
    private final double[][] iou; // [ranked detection][truth, input order]
    private final double[] thresholds;

    /**
     * @param truths the ground truths of this image and category, in file order
     * @param candidates the detections of this image and category, in input order
     * @param type box or mask overlap
     * @param params thresholds and the detection limits
     */
    ImageMatcher(List<Truth> truths, List<Candidate> candidates, IouType type, EvalParams params) {
        this.truths = truths;
        this.thresholds = params.iouThresholds();
        int[] limits = params.maxDetections();
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort((a, b) -> a.score > b.score ? -1 : a.score < b.score ? 1 : 0); // stable: ties keep order
        this.ranked = sorted.size() > limits[limits.length - 1]
                ? List.copyOf(sorted.subList(0, limits[limits.length - 1])) : sorted;
        this.iou = new double[ranked.size()][truths.size()];
        for (int d = 0; d < ranked.size(); d++) {
            Candidate c = ranked.get(d);
            for (int g = 0; g < truths.size(); g++) {
                Truth t = truths.get(g);
                iou[d][g] = type == IouType.BBOX ? CocoBox.iou(c.box, t.box, t.crowd) : Rle.iou(c.mask, t.mask,
                        t.crowd);
            }
        }
    }

    /**
     * @param range the area range
     * @return the matching in that range
     */
    Match match(EvalParams.AreaRange range) {
        int nt = thresholds.length;
        int nd = ranked.size();
        int ng = truths.size();
        // ground truths that are ignored here go last (stable)
        Integer[] order = new Integer[ng];
        boolean[] ignoredInput = new boolean[ng];
        for (int g = 0; g < ng; g++) {
            order[g] = g;
            Truth t = truths.get(g);
            ignoredInput[g] = t.crowd || !range.contains(t.area);
        }
        Arrays.sort(order, (a, b) -> Boolean.compare(ignoredInput[a], ignoredInput[b]));
        boolean[] gtIgnored = new boolean[ng];
        boolean[] crowd = new boolean[ng];
        for (int g = 0; g < ng; g++) {
            gtIgnored[g] = ignoredInput[order[g]];
            crowd[g] = truths.get(order[g]).crowd;
        }
        double[] scores = new double[nd];
        for (int d = 0; d < nd; d++) {
            scores[d] = ranked.get(d).score;
        }
        boolean[][] matched = new boolean[nt][nd];
        boolean[][] ignored = new boolean[nt][nd];
        for (int t = 0; t < nt; t++) {
            boolean[] taken = new boolean[ng];
            for (int d = 0; d < nd; d++) {
                double best = Math.min(thresholds[t], 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < ng; g++) {
                    if (taken[g] && !crowd[g]) {
                        continue;
                    }
                    if (m > -1 && !gtIgnored[m] && gtIgnored[g]) {
                        break; // already matched a regular ground truth: ignored ones cannot do better for us
                    }
                    double o = iou[d][order[g]];
                    if (o < best) {
                        continue;
                    }
                    best = o;
                    m = g;
                }
                if (m == -1) {
                    continue;
                }
                matched[t][d] = true;
                ignored[t][d] = gtIgnored[m];
                taken[m] = true;
            }
            for (int d = 0; d < nd; d++) {
                if (!matched[t][d] && !range.contains(ranked.get(d).area)) {
                    ignored[t][d] = true;
                }
            }
        }
        return new Match(scores, matched, ignored, gtIgnored);
    }
}
