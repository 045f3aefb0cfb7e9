package org.hybridvision.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.hybridvision.data.Npy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Access to the reference vectors produced by the official PyTorch code (copied from {@code shared/golden} into
 * {@code src/test/resources/golden}), and the comparison rule of its README: max abs error relative to
 * {@code max(1, max|reference|)}.
 */
public final class Golden {
    private final Path dir;

    private Golden(Path dir) {
        this.dir = dir;
    }

    /** @param name {@code conformer_mini} or {@code cmt_mini} */
    public static Golden of(String name) {
        try {
            return new Golden(Path.of(Golden.class.getResource("/golden/" + name + "/meta.json").toURI()).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a file of the set */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** @return meta.json parsed */
    public JsonObject meta() throws IOException {
        return JsonParser.parseString(Files.readString(file("meta.json"))).getAsJsonObject();
    }

    /** Loads an .npy file of the set as an NDArray in {@code manager}. */
    public NDArray npy(NDManager manager, String name) {
        return Npy.read(file(name)).toNDArray(manager);
    }

    /**
     * Asserts {@code max|actual - expected| <= tol * max(1, max|expected|)} and equal shapes.
     *
     * @return the relative error found
     */
    public static double assertClose(NDArray expected, NDArray actual, double tol, String what) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + ": shape");
        NDArray e = expected.toType(DataType.FLOAT64, false);
        NDArray a = actual.toType(DataType.FLOAT64, false);
        double err = a.sub(e).abs().max().getDouble();
        double scale = Math.max(1.0, e.abs().max().getDouble());
        assertTrue(err <= tol * scale, what + ": max abs error " + err + " > " + tol + " * " + scale);
        return err / scale;
    }
}
