package org.hybridvision.detection.coco;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The COCO detection metric (pycocotools' {@code COCOeval} with {@code evaluate()} and {@code accumulate()}), for
 * boxes ({@link IouType#BBOX}) or instance masks ({@link IouType#SEGM}).
 *
 * <p>Every ground-truth image is evaluated (as mmdetection and the COCO evaluation server do: an image without
 * detections counts its objects as missed) and every ground-truth category, in ascending id order. A detection of a
 * category the ground truth lacks is not looked at; one for an image the ground truth lacks is an error. Ground
 * truths with {@code iscrowd = 1} are regions to ignore: detections that match them count neither way (see
 * {@link ImageMatcher} for the matching, {@link PrecisionAccumulator} for precision and recall,
 * {@link CocoEvaluation} for the 12-number summary).
 *
 * <p>In a {@code segm} evaluation each ground truth's mask is its segmentation rasterised as the COCO tools do; a
 * ground truth without one cannot be scored and is left out (with a warning); a box-only detection gets the mask of
 * its box, as {@code loadRes} gives it.
 *
 * <p>One difference to pycocotools, on purpose: pycocotools records a match by the annotation's id and later tests
 * "id &gt; 0", so a ground truth with id 0 is counted as never matched; here matches are recorded as such and id 0
 * is an ordinary id. COCO's own files start at 1, where both agree.
 *
 * <p>Instances are immutable; {@link #evaluate(List)} can be called from several threads.
 */
public final class CocoEvaluator {
    private final CocoDataset groundTruth;
    private final IouType type;
    private final EvalParams params;

    /**
     * @param groundTruth the annotations (read with {@link CocoReader#forEvaluation()} to score them as given)
     * @param type boxes or masks
     */
    public CocoEvaluator(CocoDataset groundTruth, IouType type) {
        this(groundTruth, type, EvalParams.coco());
    }

    /**
     * @param groundTruth the annotations
     * @param type boxes or masks
     * @param params non-standard settings
     */
    public CocoEvaluator(CocoDataset groundTruth, IouType type, EvalParams params) {
        this.groundTruth = groundTruth;
        this.type = type;
        this.params = params;
    }

    /**
     * @param detections the detections, any order (ties in score keep it)
     * @return the evaluation
     * @throws IllegalArgumentException when a detection names an image the ground truth lacks, has a mask of another
     *     size than its image, or lacks what the IoU type needs
     */
    public CocoEvaluation evaluate(List<CocoDetection> detections) {
        List<CocoImage> images = new ArrayList<>(groundTruth.images());
        images.sort((a, b) -> Long.compare(a.id(), b.id()));
        Map<Long, Integer> imageIndex = new HashMap<>();
        for (int i = 0; i < images.size(); i++) {
            imageIndex.put(images.get(i).id(), i);
        }
        LabelMap labels = groundTruth.labels();
        int nk = labels.size();
        int ni = images.size();
        List<String> warnings = new ArrayList<>();
        int[] regularTruths = new int[nk];

        Map<Long, List<ImageMatcher.Truth>> truths = new HashMap<>();
        int unmasked = 0;
        for (CocoAnnotation a : groundTruth.annotations()) {
            int k = labels.label(a.categoryId());
            Rle mask = null;
            if (type == IouType.SEGM) {
                mask = groundTruth.mask(a);
                if (mask == null) {
                    unmasked++;
                    continue;
                }
            }
            truths.computeIfAbsent(key(imageIndex.get(a.imageId()), k, nk), x -> new ArrayList<>())
                    .add(new ImageMatcher.Truth(a.crowd(), a.area(), a.bbox(), mask));
            regularTruths[k] += a.crowd() ? 0 : 1;
        }
        if (unmasked > 0) {
            warnings.add(String.format(Locale.ROOT, "%d ground-truth annotation(s) without a segmentation were left "
                    + "out of the segm evaluation", unmasked));
        }

        Map<Long, List<ImageMatcher.Candidate>> candidates = new HashMap<>();
        int unknownCategory = 0;
        for (CocoDetection d : detections) {
            Integer i = imageIndex.get(d.imageId());
            if (i == null) {
                throw new IllegalArgumentException("detection for image " + d.imageId() + ", which is not in the "
                        + "ground truth");
            }
            if (!labels.contains(d.categoryId())) {
                unknownCategory++;
                continue;
            }
            CocoImage im = images.get(i);
            Rle mask = null;
            CocoBox box = null;
            if (type == IouType.SEGM) {
                mask = d.segmentation() != null ? d.segmentation() : Rle.fromBox(d.bbox(), im.height(), im.width());
                if (mask.height() != im.height() || mask.width() != im.width()) {
                    throw new IllegalArgumentException("detection mask for image " + d.imageId() + " is "
                            + mask.height() + " x " + mask.width() + " but the image is " + im.height() + " x "
                            + im.width());
                }
            } else {
                box = d.boxOrMaskBox();
            }
            candidates.computeIfAbsent(key(i, labels.label(d.categoryId()), nk), x -> new ArrayList<>())
                    .add(new ImageMatcher.Candidate(d.score(), d.area(), box, mask));
        }
        if (unknownCategory > 0) {
            warnings.add(String.format(Locale.ROOT, "%d detection(s) of categories the ground truth lacks were not "
                    + "evaluated", unknownCategory));
        }

        List<EvalParams.AreaRange> ranges = params.areaRanges();
        ImageMatcher.Match[][][] matches = new ImageMatcher.Match[nk][ranges.size()][ni];
        java.util.Set<Long> keys = new java.util.HashSet<>(truths.keySet());
        keys.addAll(candidates.keySet());
        for (long key : keys) {
            int i = (int) (key / nk);
            int k = (int) (key % nk);
            ImageMatcher m = new ImageMatcher(truths.getOrDefault(key, List.of()),
                    candidates.getOrDefault(key, List.of()), type, params);
            for (int a = 0; a < ranges.size(); a++) {
                matches[k][a][i] = m.match(ranges.get(a));
            }
        }
        PrecisionAccumulator.Curves curves = PrecisionAccumulator.accumulate(matches, params);
        return new CocoEvaluation(type, params, labels.categories(), regularTruths, ni, detections.size(),
                curves.precision(), curves.recall(), curves.scores(), warnings);
    }

    private static long key(int image, int label, int labels) {
        return (long) image * labels + label;
    }
}
