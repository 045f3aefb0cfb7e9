package org.hybridvision.data;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates files under src/test/resources/data on the test classpath. */
final class TestData {
    private TestData() {
    }

    static Path resource(String relative) {
        URL url = TestData.class.getResource("/data/" + relative);
        if (url == null) {
            throw new IllegalStateException("test resource data/" + relative + " not found");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path photo(String name) {
        return resource("photos/" + name);
    }

    /** A small deterministic RGB test pattern with gradients, edges and noise. */
    static ByteImage pattern(int w, int h, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        byte[] d = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                d[o] = (byte) (x * 255 / Math.max(1, w - 1));
                d[o + 1] = (byte) (((x / 4 + y / 4) % 2) * 200 + r.nextInt(40));
                d[o + 2] = (byte) (y * 255 / Math.max(1, h - 1));
            }
        }
        return new ByteImage(w, h, 3, d);
    }
}
