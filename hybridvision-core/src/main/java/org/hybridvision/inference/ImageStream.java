package org.hybridvision.inference;

import org.hybridvision.HybridVisionException;
import org.hybridvision.data.ImagePipeline;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes and transforms a stream of images on a pool of worker threads and hands them to one consumer (the model
 * thread) as ready-made batches, in input order, with bounded memory.
 *
 * <p>A feeder thread walks the sources and submits one decode task per image to the pool; the pending results wait
 * in a queue of at most {@code queueCapacity} entries, so no more than that many decoded images (plus one batch) are
 * held at any time, however long the stream. With {@code decodeThreads == 0} everything runs on the consumer's thread
 * (no pool): useful to measure what the pool buys.
 *
 * <p>An image that cannot be decoded does not stop the stream: it is reported as a {@link Failure} (with the
 * decoder's message, which names the file) in the batch where it would have been.
 *
 * <pre>{@code
 * try (ImageStream s = ImageStream.open(sources.iterator(), transform, 32, 2, 64)) {
 *     while (s.hasNext()) {
 *         ImageStream.Batch b = s.next();   // b.data(): [b.size(), 3, H, W], b.failures(): skipped files
 *     }
 * }
 * }</pre>
 */
public final class ImageStream implements Iterator<ImageStream.Batch>, AutoCloseable {

    /**
     * An image that was skipped.
     *
     * @param name the source's name (file path)
     * @param message why, for a person
     */
    public record Failure(String name, String message) {}

    /**
     * Up to {@code batchSize} decoded images.
     *
     * @param sources the decoded sources, in order
     * @param data {@code size * 3 * H * W} normalised values (the array may be longer; only the first part is used)
     * @param size number of images
     * @param failures sources skipped since the previous batch
     */
    public record Batch(List<ImageSource> sources, float[] data, int size, List<Failure> failures) {}

    private record Sample(ImageSource source, float[] data, Failure failure) {}

    private static final Sample END = new Sample(null, null, null);

    private final Iterator<ImageSource> sources;
    private final ImagePipeline transform;
    private final int batchSize;
    private final int sampleLength;
    private final ExecutorService pool;
    private final BlockingQueue<Future<Sample>> queue;
    private final Thread feeder;
    private Batch pending;
    private boolean done;

    private ImageStream(Iterator<ImageSource> sources, ImagePipeline transform, int batchSize, int decodeThreads,
                        int queueCapacity) {
        if (batchSize < 1) {
            throw new HybridVisionException("batch size must be at least 1, got " + batchSize);
        }
        if (decodeThreads < 0) {
            throw new HybridVisionException("decode threads must be 0 (decode on the model thread) or more, got "
                    + decodeThreads);
        }
        this.sources = sources;
        this.transform = transform;
        this.batchSize = batchSize;
        this.sampleLength = transform.outputLength();
        if (decodeThreads == 0) {
            pool = null;
            queue = null;
            feeder = null;
            return;
        }
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(decodeThreads, r -> {
            Thread t = new Thread(r, "hv-decode-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        queue = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
        feeder = new Thread(this::feed, "hv-feeder");
        feeder.setDaemon(true);
        feeder.start();
    }

    /**
     * @param sources the images, consumed lazily by a feeder thread (or by the caller when {@code decodeThreads} is 0)
     * @param transform the transform applied to every image (thread-safe)
     * @param batchSize images per batch
     * @param decodeThreads decode threads; 0 decodes on the caller's thread
     * @param queueCapacity how many images may be decoded ahead of the consumer (at least 1)
     * @return the stream; close it when done (stops the threads)
     */
    public static ImageStream open(Iterator<ImageSource> sources, ImagePipeline transform, int batchSize,
                                   int decodeThreads, int queueCapacity) {
        return new ImageStream(sources, transform, batchSize, decodeThreads, queueCapacity);
    }

    private void feed() {
        try {
            while (sources.hasNext()) {
                ImageSource s = sources.next();
                queue.put(pool.submit(() -> decode(s)));
            }
            queue.put(CompletableFuture.completedFuture(END));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the source iterator itself failed (e.g. a folder became unreadable): end the stream with the error
            try {
                queue.put(CompletableFuture.failedFuture(e));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Sample decode(ImageSource s) {
        try {
            return new Sample(s, transform.apply(s.loader().get(), null), null);
        } catch (HybridVisionException e) {
            return new Sample(s, null, new Failure(s.name(), e.getMessage()));
        } catch (RuntimeException | OutOfMemoryError e) {
            return new Sample(s, null, new Failure(s.name(), "could not be decoded: " + e
                    + ". Replace or delete it."));
        }
    }

    private Sample nextSample() {
        if (pool == null) {
            return sources.hasNext() ? decode(sources.next()) : END;
        }
        try {
            return queue.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for decoded images", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        }
    }

    private Batch fill() {
        List<ImageSource> ok = new ArrayList<>(batchSize);
        List<Failure> failed = new ArrayList<>();
        float[] data = null;
        while (ok.size() < batchSize) {
            Sample s = nextSample();
            if (s == END) {
                done = true;
                break;
            }
            if (s.failure() != null) {
                failed.add(s.failure());
                continue;
            }
            if (data == null) {
                data = new float[batchSize * sampleLength];
            }
            System.arraycopy(s.data(), 0, data, ok.size() * sampleLength, sampleLength);
            ok.add(s.source());
        }
        if (ok.isEmpty() && failed.isEmpty()) {
            return null;
        }
        return new Batch(List.copyOf(ok), data == null ? new float[0] : data, ok.size(), List.copyOf(failed));
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !done) {
            pending = fill();
        }
        return pending != null;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Batch b = pending;
        pending = null;
        return b;
    }

    @Override
    public void close() {
        done = true;
        if (feeder != null) {
            feeder.interrupt();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
