package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
    @TempDir
    Path tmp;

    @Test
    void detectsEachLayout() throws Exception {
        Path mnist = tmp.resolve("mnist");
        DatasetFiles.write(mnist.resolve("t10k-images-idx3-ubyte.gz"), DatasetFiles.idxImages(2, 2, 2), true);
        DatasetFiles.write(mnist.resolve("t10k-labels-idx1-ubyte.gz"), DatasetFiles.idxLabels(new int[] {1, 2}),
                true);
        assertTrue(DataSources.open(mnist, false) instanceof IdxDataset);
        assertTrue(DataSources.open(mnist.resolve("t10k-images-idx3-ubyte.gz"), true) instanceof IdxDataset);
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> DataSources.open(mnist, true));
        assertTrue(e.getMessage().contains("training"), e::getMessage);

        Path cifar = tmp.resolve("c10");
        DatasetFiles.write(cifar.resolve("cifar-10-batches-bin/test_batch.bin"),
                DatasetFiles.cifar(new int[] {1}, 1), false);
        assertTrue(DataSources.open(cifar, false) instanceof CifarDataset);

        Path imagenet = tmp.resolve("imagenet");
        Images.write(TestData.pattern(4, 4, 1), Files.createDirectories(imagenet.resolve("train/n01/")).resolve(
                "a.png"));
        Images.write(TestData.pattern(4, 4, 2), Files.createDirectories(imagenet.resolve("val/n01/")).resolve(
                "b.png"));
        ImageFolderDataset val = (ImageFolderDataset) DataSources.open(imagenet, false);
        assertEquals(imagenet.resolve("val"), val.root());
        assertEquals(imagenet.resolve("train"), ((ImageFolderDataset) DataSources.open(imagenet, true)).root());

        ImageFolderDataset plain = (ImageFolderDataset) DataSources.open(imagenet.resolve("train"), true);
        assertEquals(1, plain.size());
    }

    @Test
    void explainsWhatItExpected() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("junk"));
        Files.writeString(dir.resolve("readme.md"), "hi");
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> DataSources.open(dir, true));
        assertTrue(e.getMessage().contains("readme.md") && e.getMessage().contains("idx3-ubyte")
                && e.getMessage().contains("cifar-10-batches-bin") && e.getMessage().contains("sub-folder"),
                e::getMessage);
        assertThrows(HybridVisionException.class, () -> DataSources.open(dir.resolve("readme.md"), true));
        assertThrows(HybridVisionException.class, () -> DataSources.open(tmp.resolve("missing"), true));
    }
}
