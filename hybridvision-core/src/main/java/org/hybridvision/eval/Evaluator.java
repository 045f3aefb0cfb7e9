package org.hybridvision.eval;

import org.hybridvision.HybridVisionException;
import org.hybridvision.inference.BatchPredictor;
import org.hybridvision.inference.Classifier;
import org.hybridvision.inference.ImageSource;
import org.hybridvision.inference.ImageStream;
import org.hybridvision.inference.Prediction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Top-1 / top-5 accuracy of a classifier on a labelled image set, for the prediction and for every head
 * separately (Conformer: {@code conv}, {@code trans} and their {@code sum}), with throughput and a confusion matrix
 * of the prediction. Uses the same decode pool and batched forward pass as {@link BatchPredictor}, so what is
 * evaluated is exactly what {@code predict} computes.
 *
 * <p>Ranking: class {@code y} is in the top-k when fewer than k classes score higher, counting an equal score at a
 * lower index as higher (the order of {@code torch.topk} on distinct values; deterministic on ties).
 */
public final class Evaluator {

    /**
     * Accuracy of one output.
     *
     * @param name output name ({@code sum}/{@code logits} is the prediction)
     * @param top1 images whose true class ranked first
     * @param top5 images whose true class ranked in the first five (or all classes when fewer)
     * @param total images evaluated
     */
    public record HeadAccuracy(String name, long top1, long top5, long total) {
        /** @return top-1 accuracy in percent */
        public double top1Percent() {
            return total == 0 ? 0 : 100.0 * top1 / total;
        }

        /** @return top-5 accuracy in percent */
        public double top5Percent() {
            return total == 0 ? 0 : 100.0 * top5 / total;
        }
    }

    /**
     * Evaluation result.
     *
     * @param heads accuracy per output, prediction last
     * @param confusion confusion matrix of the prediction
     * @param images images evaluated
     * @param failures images skipped (unreadable), by name
     * @param seconds wall time
     * @param modelSeconds time in forward passes
     */
    public record Result(List<HeadAccuracy> heads, ConfusionMatrix confusion, long images,
                         List<ImageStream.Failure> failures, double seconds, double modelSeconds) {
        /** @return images per second of wall time (decode and model) */
        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : 0;
        }

        /** @return the prediction's accuracy */
        public HeadAccuracy prediction() {
            return heads.get(heads.size() - 1);
        }
    }

    private final Classifier classifier;
    private final BatchPredictor.Options options;

    /**
     * @param classifier the model with its transform
     * @param options batch size and decode threads ({@code topK} is ignored)
     */
    public Evaluator(Classifier classifier, BatchPredictor.Options options) {
        this.classifier = classifier;
        this.options = options;
    }

    /**
     * @param data the labelled images
     * @param progress called with the number of images handled (classified or skipped) after each batch; may be null
     * @return the result
     * @throws HybridVisionException when the data has more classes than the model
     */
    public Result evaluate(LabeledFolder data, Consumer<Integer> progress) {
        int c = classifier.numClasses();
        if (data.classes().size() > c) {
            throw new HybridVisionException("the data has " + data.classes().size() + " classes but the model has only "
                    + c + " outputs: use weights trained for these classes, or a mapping file (--class-map) into the "
                    + "model's classes.");
        }
        List<String> labels = new ArrayList<>(classifier.classNames());
        for (int i = 0; i < data.classes().size(); i++) {
            if (data.classes().get(i) != null) {
                labels.set(i, data.classes().get(i));
            }
        }
        return evaluate(data.samples(), labels, progress);
    }

    /**
     * @param samples labelled images ({@link ImageSource#label()} in {@code [0, numClasses)})
     * @param labels names for the confusion matrix, one per model class
     * @param progress called with the number of images handled after each batch; may be null
     * @return the result
     */
    public Result evaluate(List<ImageSource> samples, List<String> labels, Consumer<Integer> progress) {
        int c = classifier.numClasses();
        int k5 = Math.min(5, c);
        Map<String, long[]> counts = new LinkedHashMap<>();
        ConfusionMatrix confusion = new ConfusionMatrix(labels);
        List<ImageStream.Failure> failures = new ArrayList<>();
        BatchPredictor predictor = new BatchPredictor(classifier, options);
        BatchPredictor.Summary s = predictor.run(samples.iterator(), (batch, logits) -> {
            String last = null;
            for (Map.Entry<String, float[]> e : logits.entrySet()) {
                long[] n = counts.computeIfAbsent(e.getKey(), key -> new long[3]);
                float[] v = e.getValue();
                for (int i = 0; i < batch.size(); i++) {
                    int y = batch.sources().get(i).label();
                    if (y < 0 || y >= c) {
                        throw new HybridVisionException("image " + batch.sources().get(i).name() + " has label " + y
                                + ", outside the model's " + c + " classes.");
                    }
                    int r = Prediction.rank(v, i * c, c, y);
                    n[0] += r == 0 ? 1 : 0;
                    n[1] += r < k5 ? 1 : 0;
                    n[2]++;
                }
                last = e.getKey();
            }
            float[] pred = logits.get(last);
            for (int i = 0; i < batch.size(); i++) {
                confusion.add(batch.sources().get(i).label(), Prediction.topK(pred, i * c, c, 1)[0]);
            }
            if (progress != null) {
                progress.accept(batch.size());
            }
        }, f -> {
            failures.add(f);
            if (progress != null) {
                progress.accept(1);
            }
        });
        List<HeadAccuracy> heads = new ArrayList<>();
        counts.forEach((name, n) -> heads.add(new HeadAccuracy(name, n[0], n[1], n[2])));
        if (heads.isEmpty()) {
            for (String name : classifier.outputNames()) {
                heads.add(new HeadAccuracy(name, 0, 0, 0));
            }
        }
        return new Result(List.copyOf(heads), confusion, s.images(), List.copyOf(failures), s.seconds(),
                s.modelSeconds());
    }
}
