package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Shared helpers for the checkpoint tests. */
final class CheckpointTestSupport {
    private CheckpointTestSupport() {
    }

    /** @return the file behind a test resource, e.g. {@code "/checkpoint/views_zip.pth"} */
    static Path resource(String name) {
        URL url = CheckpointTestSupport.class.getResource(name);
        assertNotNull(url, "missing test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the C-order bytes of an array */
    static byte[] bytes(NDArray array) {
        ByteBuffer b = array.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Asserts same data type, same shape and bit-identical contents. */
    static void assertBitExact(NDArray expected, NDArray actual, String name) {
        assertEquals(expected.getDataType(), actual.getDataType(), name + ": data type");
        assertEquals(expected.getShape(), actual.getShape(), name + ": shape");
        assertArrayEquals(bytes(expected), bytes(actual), name + ": contents");
    }
}
