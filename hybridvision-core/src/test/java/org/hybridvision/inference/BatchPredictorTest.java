package org.hybridvision.inference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPredictorTest {
    static Classifier classifier;

    @BeforeAll
    static void open() {
        classifier = InferenceTestModels.tinyConformer(5);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void goodImagesAreClassifiedAndBadFilesReportedByName(@TempDir Path dir) throws Exception {
        String[] bad = TestImages.goodAndBadFolder(dir);
        List<Path> files = ImageSource.listFiles(List.of(dir));
        assertEquals(7, files.size());
        List<List<Prediction>> runs = new ArrayList<>();
        for (int threads : new int[] {0, 2}) {
            List<Prediction> ok = new ArrayList<>();
            List<ImageStream.Failure> failed = new ArrayList<>();
            BatchPredictor.Summary s = new BatchPredictor(classifier, new BatchPredictor.Options(3, threads, 1, 3))
                    .predictFiles(files, ok::add, failed::add);
            assertEquals(4, s.images());
            assertEquals(List.of("a_good.jpg", "b_good.png", "c_good.bmp", "d_good.gif"),
                    ok.stream().map(p -> Path.of(p.source()).getFileName().toString()).toList(), "input order");
            assertEquals(3, failed.size());
            assertEquals(failed, s.failures());
            for (int i = 0; i < 3; i++) {
                assertEquals(dir.resolve(bad[i]).toString(), failed.get(i).name());
                assertTrue(failed.get(i).message().contains(bad[i]), failed.get(i).message());
            }
            assertTrue(failed.get(0).message().contains("truncated"), failed.get(0).message());
            assertTrue(failed.get(1).message().contains("not a JPEG, PNG, BMP or GIF"), failed.get(1).message());
            assertTrue(failed.get(2).message().contains("empty"), failed.get(2).message());
            runs.add(ok);
        }
        for (int i = 0; i < 4; i++) {
            Prediction a = runs.get(0).get(i);
            Prediction b = runs.get(1).get(i);
            assertEquals(a.best().index(), b.best().index());
            assertEquals(a.best().probability(), b.best().probability(), 1e-6, "with or without decode pool");
        }
    }

    @Test
    void aLongStreamKeepsABoundedNumberOfDecodedImages() {
        int total = 40;
        int batch = 4;
        int queue = 3;
        AtomicInteger decoded = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger maxAhead = new AtomicInteger();
        Iterator<ImageSource> sources = IntStream.range(0, total).mapToObj(i -> new ImageSource("img" + i, () -> {
            int ahead = decoded.incrementAndGet() - consumed.get();
            maxAhead.accumulateAndGet(ahead, Math::max);
            return org.hybridvision.data.Images.fromBufferedImage(TestImages.picture(80, 70, i),
                    org.hybridvision.data.Images.Alpha.DROP);
        }, -1)).iterator();
        List<String> names = new ArrayList<>();
        BatchPredictor.Summary s = new BatchPredictor(classifier, new BatchPredictor.Options(batch, 2, queue, 1))
                .predict(sources, p -> {
                    names.add(p.source());
                    consumed.incrementAndGet();
                }, f -> { });
        assertEquals(total, s.images());
        assertEquals(IntStream.range(0, total).mapToObj(i -> "img" + i).toList(), names);
        // queue + the batch being filled + one task the feeder holds + one per decode thread at most
        assertTrue(maxAhead.get() <= queue + batch + 1 + 2, "decoded ahead: " + maxAhead.get());
    }
}
