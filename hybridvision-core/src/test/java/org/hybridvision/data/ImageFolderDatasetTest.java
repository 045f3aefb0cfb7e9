package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    @TempDir
    Path tmp;

    private void image(Path file, int seed) throws Exception {
        Files.createDirectories(file.getParent());
        String n = file.getFileName().toString().toLowerCase();
        ByteImage img = TestData.pattern(6 + seed % 3, 5, seed);
        if (n.endsWith(".gif")) {
            javax.imageio.ImageIO.write(img.toBufferedImage(), "gif", file.toFile());
        } else {
            Images.write(img, n.endsWith(".jpeg") ? file.resolveSibling("tmp.jpg") : file);
            if (n.endsWith(".jpeg")) {
                Files.move(file.resolveSibling("tmp.jpg"), file);
            }
        }
    }

    private Path tree() throws Exception {
        Path root = tmp.resolve("root");
        image(root.resolve("dog/b.png"), 1);
        image(root.resolve("dog/A.PNG"), 2);
        image(root.resolve("dog/sub/c.jpg"), 3);
        image(root.resolve("dog/sub b/d.bmp"), 4);
        image(root.resolve("dog/sub/deeper/e.png"), 10);
        image(root.resolve("cat/z.gif"), 5);
        image(root.resolve("cat/y.jpeg"), 6);
        image(root.resolve("bird/x.png"), 7);
        Files.writeString(root.resolve("dog/notes.txt"), "not an image");
        image(root.resolve("dog/.hidden.png"), 8);
        image(root.resolve(".cache/q.png"), 9);
        return root;
    }

    private static List<String> relNames(ImageFolderDataset ds) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            out.add(ds.root().relativize(ds.path(i)).toString() + ":" + ds.label(i));
        }
        return out;
    }

    @Test
    void sortedClassesAndTorchvisionFileOrder() throws Exception {
        ImageFolderDataset ds = ImageFolderDataset.open(tree());
        assertEquals(List.of("bird", "cat", "dog"), ds.classNames());
        // torchvision sorts os.walk's folder paths as strings, then file names: "dog" < "dog/sub" < "dog/sub b"
        // < "dog/sub/deeper" (' ' sorts before '/'), and "A.PNG" < "b.png" (checked against Python)
        assertEquals(List.of("bird/x.png:0", "cat/y.jpeg:1", "cat/z.gif:1", "dog/A.PNG:2", "dog/b.png:2",
                "dog/sub/c.jpg:2", "dog/sub b/d.bmp:2", "dog/sub/deeper/e.png:2"), relNames(ds));
        Sample s = ds.get(2);
        assertEquals(1, s.label());
        assertEquals(3, s.image().channels());
        assertTrue(ds.describe().contains("8 images, 3 classes"));
    }

    @Test
    void classListFixesIndices() throws Exception {
        Path root = tree();
        Files.writeString(root.resolve("classes.txt"), "# my order\ndog\ncat\n\nfish\nbird\n");
        ImageFolderDataset ds = ImageFolderDataset.open(root);
        assertEquals(List.of("dog", "cat", "fish", "bird"), ds.classNames());
        assertEquals(0, ds.label(0)); // dog: samples are ordered by class index
        assertEquals(3, ds.label(ds.size() - 1)); // bird
        assertEquals(root.resolve("dog/A.PNG"), ds.path(0));
        HybridVisionException e = assertThrows(HybridVisionException.class,
                () -> ImageFolderDataset.open(root, List.of("dog", "cat")));
        assertTrue(e.getMessage().contains("'bird'"), e::getMessage);
    }

    @Test
    void layoutErrors() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> ImageFolderDataset.open(empty));
        assertTrue(e.getMessage().contains("no class sub-folders"), e::getMessage);
        Path flat = tmp.resolve("flat");
        image(flat.resolve("a.png"), 1);
        assertThrows(HybridVisionException.class, () -> ImageFolderDataset.open(flat));
        Path emptyClass = tmp.resolve("ec");
        image(emptyClass.resolve("a/x.png"), 1);
        Files.createDirectories(emptyClass.resolve("b"));
        e = assertThrows(HybridVisionException.class, () -> ImageFolderDataset.open(emptyClass));
        assertTrue(e.getMessage().contains("contains no images") && e.getMessage().contains(
                emptyClass.resolve("b").toString()), e::getMessage);
        assertThrows(HybridVisionException.class, () -> ImageFolderDataset.open(tmp.resolve("missing")));
    }

    @Test
    void corruptFileReportedAtDecodeTime() throws Exception {
        Path root = tmp.resolve("c");
        image(root.resolve("a/good.png"), 1);
        Files.writeString(root.resolve("a/bad.jpg"), "garbage");
        ImageFolderDataset ds = ImageFolderDataset.open(root);
        assertEquals(2, ds.size());
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> ds.get(0));
        assertTrue(e.getMessage().contains(root.resolve("a/bad.jpg").toString()), e::getMessage);
        assertEquals(3, ds.get(1).image().channels());
    }

    @Test
    void concurrentGets() throws Exception {
        ImageFolderDataset ds = ImageFolderDataset.open(tree());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int rep = 0; rep < 8; rep++) {
                for (int i = 0; i < ds.size(); i++) {
                    final int idx = i;
                    futures.add(pool.submit(() -> ds.get(idx).image().data()));
                }
            }
            for (int k = 0; k < futures.size(); k++) {
                assertTrue(java.util.Arrays.equals(ds.get(k % ds.size()).image().data(), futures.get(k).get()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
