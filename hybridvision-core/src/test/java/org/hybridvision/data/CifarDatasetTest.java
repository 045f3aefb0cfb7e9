package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDatasetTest {
    @TempDir
    Path tmp;

    @Test
    void cifar10FilesAndLayout() throws Exception {
        Path dir = tmp.resolve("cifar-10-batches-bin");
        DatasetFiles.write(dir.resolve("data_batch_1.bin"), DatasetFiles.cifar(new int[] {6, 9, 9}, 1), false);
        DatasetFiles.write(dir.resolve("data_batch_2.bin"), DatasetFiles.cifar(new int[] {4, 1}, 1), false);
        DatasetFiles.write(dir.resolve("test_batch.bin"), DatasetFiles.cifar(new int[] {3}, 1), false);
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", CifarDataset.CIFAR10_CLASSES)
                .replace("airplane", "plane") + "\n\n");

        CifarDataset train = CifarDataset.open(tmp, true); // finds the sub-folder
        assertEquals(5, train.size());
        assertEquals(CifarDataset.Variant.CIFAR10, train.variant());
        assertEquals("plane", train.classNames().get(0));
        assertEquals(4, train.label(3));
        Sample s = train.get(3); // first record of data_batch_2 (record index 0 there)
        assertEquals(4, s.label());
        assertTrue(s.source().endsWith("data_batch_2.bin#0"), s.source());
        ByteImage img = s.image();
        assertEquals(32, img.width());
        // pixel (x=5, y=2): R at plane offset 2*32+5, G at 1024 + that, B at 2048 + that
        int k = 2 * 32 + 5;
        assertEquals(DatasetFiles.pixel(0, k) & 0xFF, img.get(5, 2, 0));
        assertEquals(DatasetFiles.pixel(0, 1024 + k) & 0xFF, img.get(5, 2, 1));
        assertEquals(DatasetFiles.pixel(0, 2048 + k) & 0xFF, img.get(5, 2, 2));
        assertEquals(1, CifarDataset.open(dir, false).size());
    }

    @Test
    void cifar100UsesFineLabels() throws Exception {
        Path dir = tmp.resolve("cifar-100-binary");
        DatasetFiles.write(dir.resolve("train.bin"), DatasetFiles.cifar(new int[] {99, 42, 0}, 2), false);
        DatasetFiles.write(dir.resolve("test.bin"), DatasetFiles.cifar(new int[] {58}, 2), false);
        CifarDataset train = (CifarDataset) DataSources.open(dir, true);
        assertEquals(CifarDataset.Variant.CIFAR100, train.variant());
        assertEquals(100, train.numClasses());
        assertEquals("worm", train.classNames().get(train.get(0).label()));
        assertEquals(42, train.get(1).label());
        assertEquals(DatasetFiles.pixel(1, 0) & 0xFF, train.get(1).image().get(0, 0, 0));
        assertEquals("pickup_truck", CifarDataset.open(dir, false).classNames().get(58));
    }

    @Test
    void badLengthAndLabelsAreClearErrors() throws Exception {
        Path f = tmp.resolve("data_batch_1.bin");
        byte[] ok = DatasetFiles.cifar(new int[] {1, 2}, 1);
        Files.write(f, Arrays.copyOf(ok, ok.length - 100));
        HybridVisionException e = assertThrows(HybridVisionException.class,
                () -> CifarDataset.open(List.of(f), CifarDataset.Variant.CIFAR10, null));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("3073"), e::getMessage);

        Files.write(f, DatasetFiles.cifar(new int[] {1, 2}, 2)); // CIFAR-100 records named like CIFAR-10
        e = assertThrows(HybridVisionException.class,
                () -> CifarDataset.open(List.of(f), CifarDataset.Variant.CIFAR10, null));
        assertTrue(e.getMessage().contains("CIFAR-100"), e::getMessage);

        Files.write(f, DatasetFiles.cifar(new int[] {1, 12}, 1));
        e = assertThrows(HybridVisionException.class,
                () -> CifarDataset.open(List.of(f), CifarDataset.Variant.CIFAR10, null));
        assertTrue(e.getMessage().contains("label 12"), e::getMessage);
    }

    @Test
    void standardNameLists() {
        assertEquals(10, CifarDataset.CIFAR10_CLASSES.size());
        assertEquals(100, CifarDataset.CIFAR100_CLASSES.size());
        assertEquals(100, new java.util.HashSet<>(CifarDataset.CIFAR100_CLASSES).size());
        List<String> sorted = new java.util.ArrayList<>(CifarDataset.CIFAR100_CLASSES);
        java.util.Collections.sort(sorted);
        assertEquals(sorted, CifarDataset.CIFAR100_CLASSES); // CIFAR-100 fine labels are alphabetical
    }
}
