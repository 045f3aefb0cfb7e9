package org.hybridvision.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small datasets in the exact on-disk formats, for tests. */
final class DatasetFiles {
    private DatasetFiles() {
    }

    /** Pixel value of image i at byte k, so tests can check where bytes went. */
    static byte pixel(int i, int k) {
        return (byte) (i * 31 + k * 7);
    }

    static byte[] idxImages(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(0x803).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < rows * cols; k++) {
                b.put(pixel(i, k));
            }
        }
        return b.array();
    }

    static byte[] idxLabels(int[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x801).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    static void write(Path file, byte[] data, boolean gzip) throws IOException {
        Files.createDirectories(file.getParent());
        if (!gzip) {
            Files.write(file, data);
            return;
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(data);
        }
    }

    /** CIFAR records: labelBytes label bytes (last = labels[i]) then 3072 pixel bytes (planes R, G, B). */
    static byte[] cifar(int[] labels, int labelBytes) {
        int rec = labelBytes + 3072;
        byte[] out = new byte[labels.length * rec];
        for (int i = 0; i < labels.length; i++) {
            if (labelBytes == 2) {
                out[i * rec] = (byte) (labels[i] / 5); // coarse label
            }
            out[i * rec + labelBytes - 1] = (byte) labels[i];
            for (int k = 0; k < 3072; k++) {
                out[i * rec + labelBytes + k] = pixel(i, k);
            }
        }
        return out;
    }
}
