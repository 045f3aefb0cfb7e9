package org.hybridvision.inference;

import org.hybridvision.HybridVisionException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Classifies many images: decoding and the evaluation transform run on a pool of threads ({@link ImageStream}), the
 * model runs on the calling thread, one batch at a time in its own native memory scope, so memory stays flat for any
 * number of images. Results are handed over as they are produced, in input order; undecodable files are reported by
 * name and skipped.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.open("cmt_ti", weights)) {
 *     BatchPredictor.Summary s = new BatchPredictor(c, BatchPredictor.Options.defaults())
 *             .predictFiles(ImageSource.listFiles(List.of(Path.of("photos"))),
 *                     p -> System.out.println(p.source() + " " + p.best().name()),
 *                     f -> System.err.println("skipped " + f.name() + ": " + f.message()));
 * }
 * }</pre>
 */
public final class BatchPredictor {

    /**
     * Settings.
     *
     * @param batchSize images per forward pass
     * @param decodeThreads decode threads (0: decode on the model thread)
     * @param queueCapacity images decoded ahead of the model at most
     * @param topK classes per prediction
     */
    public record Options(int batchSize, int decodeThreads, int queueCapacity, int topK) {
        /** Validates the settings. */
        public Options {
            if (batchSize < 1) {
                throw new HybridVisionException("--batch must be at least 1, got " + batchSize);
            }
            if (decodeThreads < 0) {
                throw new HybridVisionException("--decode-threads must be 0 or more, got " + decodeThreads);
            }
            if (topK < 1) {
                throw new HybridVisionException("--top must be at least 1, got " + topK);
            }
            if (queueCapacity < 1) {
                queueCapacity = 2 * batchSize;
            }
        }

        /** @return batch 16, one decode thread per core, queue of two batches, top-5 */
        public static Options defaults() {
            return new Options(16, Runtime.getRuntime().availableProcessors(), 32, Classifier.DEFAULT_TOP_K);
        }
    }

    /**
     * What a run did.
     *
     * @param images images classified
     * @param failures images skipped, with the reason
     * @param seconds wall time from start to the last result
     * @param modelSeconds time spent in forward passes
     */
    public record Summary(long images, List<ImageStream.Failure> failures, double seconds, double modelSeconds) {
        /** @return images classified per second of wall time */
        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : 0;
        }
    }

    /** Receives the logits of each batch (for callers that need every head, e.g. {@code --save-logits}). */
    @FunctionalInterface
    public interface BatchListener {
        /**
         * @param batch the decoded batch
         * @param logits {@code [batch.size() * numClasses]} per output name (prediction last)
         */
        void onBatch(ImageStream.Batch batch, Map<String, float[]> logits);
    }

    private final Classifier classifier;
    private final Options options;

    /**
     * @param classifier the model, transform and class names
     * @param options batch and thread settings
     */
    public BatchPredictor(Classifier classifier, Options options) {
        this.classifier = classifier;
        this.options = options;
    }

    /**
     * @param files image files
     * @param onPrediction receives each prediction, in input order
     * @param onFailure receives each skipped file, in input order
     * @return the summary
     */
    public Summary predictFiles(List<Path> files, Consumer<Prediction> onPrediction,
                                Consumer<ImageStream.Failure> onFailure) {
        return predict(files.stream().map(ImageSource::of).iterator(), onPrediction, onFailure);
    }

    /**
     * @param sources the images (consumed lazily)
     * @param onPrediction receives each prediction, in input order
     * @param onFailure receives each skipped image, in input order
     * @return the summary
     */
    public Summary predict(Iterator<ImageSource> sources, Consumer<Prediction> onPrediction,
                           Consumer<ImageStream.Failure> onFailure) {
        int c = classifier.numClasses();
        return run(sources, (batch, logits) -> {
            float[] pred = Classifier.last(logits);
            for (int i = 0; i < batch.size(); i++) {
                onPrediction.accept(Prediction.fromLogits(batch.sources().get(i).name(), pred, i * c, c,
                        options.topK(), classifier.classNames()));
            }
        }, onFailure);
    }

    /**
     * The general loop: decoded batches through the model, every output handed to {@code listener}.
     *
     * @param sources the images
     * @param listener receives each batch with all its logits
     * @param onFailure receives each skipped image
     * @return the summary
     */
    public Summary run(Iterator<ImageSource> sources, BatchListener listener, Consumer<ImageStream.Failure> onFailure) {
        long start = System.nanoTime();
        long modelNanos = 0;
        long images = 0;
        List<ImageStream.Failure> failures = new ArrayList<>();
        int s = classifier.inputSize();
        try (ImageStream stream = ImageStream.open(sources, classifier.transform(), options.batchSize(),
                options.decodeThreads(), options.queueCapacity())) {
            while (stream.hasNext()) {
                ImageStream.Batch b = stream.next();
                for (ImageStream.Failure f : b.failures()) {
                    failures.add(f);
                    onFailure.accept(f);
                }
                if (b.size() == 0) {
                    continue;
                }
                long t0 = System.nanoTime();
                Map<String, float[]> logits = classifier.forward(b.data(), b.size(), s, s);
                modelNanos += System.nanoTime() - t0;
                images += b.size();
                listener.onBatch(b, logits);
            }
        }
        return new Summary(images, List.copyOf(failures), (System.nanoTime() - start) / 1e9, modelNanos / 1e9);
    }
}
