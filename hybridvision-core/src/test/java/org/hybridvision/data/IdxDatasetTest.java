package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
    @TempDir
    Path tmp;

    private static final int[] LABELS = {9, 0, 3, 7, 1};

    private Path[] writePair(Path dir, String prefix, boolean gzip) throws Exception {
        String ext = gzip ? ".gz" : "";
        Path images = dir.resolve(prefix + "-images-idx3-ubyte" + ext);
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte" + ext);
        DatasetFiles.write(images, DatasetFiles.idxImages(LABELS.length, 4, 3), gzip);
        DatasetFiles.write(labels, DatasetFiles.idxLabels(LABELS), gzip);
        return new Path[] {images, labels};
    }

    @Test
    void readsPlainAndGzip() throws Exception {
        for (boolean gz : new boolean[] {false, true}) {
            Path[] p = writePair(tmp.resolve("mnist" + gz), "train", gz);
            IdxDataset ds = IdxDataset.open(p[0], p[1]);
            assertEquals(5, ds.size());
            assertEquals(4, ds.rows());
            assertEquals(3, ds.cols());
            assertEquals(IdxDataset.MNIST_CLASSES, ds.classNames());
            Sample s = ds.get(2);
            assertEquals(3, s.label());
            assertEquals(3, s.image().width());
            assertEquals(4, s.image().height());
            assertEquals(1, s.image().channels());
            assertEquals(DatasetFiles.pixel(2, 5) & 0xFF, s.image().get(2, 1, 0)); // row 1, column 2 = byte 5
            assertTrue(s.source().endsWith("#2"));
            byte[] batch = ds.images(new int[] {4, 0});
            assertEquals(DatasetFiles.pixel(4, 0), batch[0]);
            assertEquals(DatasetFiles.pixel(0, 11), batch[23]);
            assertArrayEquals(new int[] {1, 9}, ds.labels(new int[] {4, 0}));
        }
    }

    @Test
    void fashionFactoryAndNames() throws Exception {
        Path dir = tmp.resolve("fashion-mnist");
        writePair(dir, "train", true);
        writePair(dir, "t10k", true);
        IdxDataset train = IdxDataset.fashionMnist(dir, true);
        assertEquals("Ankle boot", train.classNames().get(train.label(0)));
        assertEquals(IdxDataset.FASHION_MNIST_CLASSES, IdxDataset.fashionMnist(dir, false).classNames());
        // detected from the path when opened generically
        assertEquals(IdxDataset.FASHION_MNIST_CLASSES, ((IdxDataset) DataSources.open(dir, true)).classNames());
        HybridVisionException e = assertThrows(HybridVisionException.class,
                () -> IdxDataset.fashionMnist(tmp.resolve("nowhere"), true));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"));
    }

    @Test
    void truncatedAndCorruptFilesNameTheFile() throws Exception {
        Path[] p = writePair(tmp.resolve("a"), "train", false);
        byte[] full = Files.readAllBytes(p[0]);
        Files.write(p[0], Arrays.copyOf(full, full.length - 7));
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> IdxDataset.open(p[0], p[1]));
        assertTrue(e.getMessage().contains(p[0].toString()) && e.getMessage().contains("truncated"), e::getMessage);

        Path[] q = writePair(tmp.resolve("b"), "train", true);
        byte[] gz = Files.readAllBytes(q[0]);
        Files.write(q[0], Arrays.copyOf(gz, gz.length / 2));
        e = assertThrows(HybridVisionException.class, () -> IdxDataset.open(q[0], q[1]));
        assertTrue(e.getMessage().contains(q[0].toString()) && e.getMessage().contains("truncated"), e::getMessage);

        Path[] r = writePair(tmp.resolve("c"), "train", false);
        e = assertThrows(HybridVisionException.class, () -> IdxDataset.open(r[1], r[0]));
        assertTrue(e.getMessage().contains("magic") && e.getMessage().contains("swapped"), e::getMessage);

        DatasetFiles.write(r[1], DatasetFiles.idxLabels(new int[] {1, 2}), false);
        e = assertThrows(HybridVisionException.class, () -> IdxDataset.open(r[0], r[1]));
        assertTrue(e.getMessage().contains("5 images") && e.getMessage().contains("2 labels"), e::getMessage);

        Files.write(r[1], new byte[3]);
        e = assertThrows(HybridVisionException.class, () -> IdxDataset.open(r[0], r[1]));
        assertTrue(e.getMessage().contains(r[1].toString()), e::getMessage);
    }

    @Test
    void installedFashionMnistIfPresent() {
        Assumptions.assumeTrue(Files.isDirectory(IdxDataset.DEFAULT_FASHION_MNIST_DIR));
        IdxDataset test = IdxDataset.fashionMnist(false);
        assertEquals(10000, test.size());
        assertEquals(28, test.rows());
        assertEquals("Ankle boot", test.classNames().get(test.label(0)));
    }
}
