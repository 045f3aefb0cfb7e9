package org.hybridvision.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.hybridvision.HybridVisionException;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip of {@code NAME.npy} entries, stored ({@code np.savez}) or
 * deflated ({@code np.savez_compressed}); ZIP64 archives written by NumPy are read too. Keys are the entry names
 * without the {@code .npy} suffix, in archive order.
 */
public final class Npz {
    private Npz() {
    }

    /**
     * @param file an .npz file
     * @return name &rarr; array, in archive order
     * @throws HybridVisionException naming the file when it is missing, not a zip, or holds a bad entry
     */
    public static Map<String, NpyArray> read(Path file) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String key = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
                        : e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(key, Npy.read(in, file + ":" + e.getName()));
                }
            }
        } catch (NoSuchFileException e) {
            throw new HybridVisionException("File " + file + " does not exist.", e);
        } catch (ZipException e) {
            throw new HybridVisionException(file + " is not a valid .npz (zip) archive: " + e.getMessage(), e);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new HybridVisionException("File " + file + " does not exist.", e);
            }
            throw new HybridVisionException("Cannot read .npz file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Writes arrays to an archive (created or replaced).
     *
     * @param file destination
     * @param arrays name &rarr; array; names become {@code NAME.npy} entries
     * @param compress true for deflate (like {@code np.savez_compressed}), false to store (like {@code np.savez})
     * @throws HybridVisionException when the file cannot be written
     */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compress) {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file))) {
            write(os, arrays, compress);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot write .npz file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param os destination stream (finished, not closed)
     * @param arrays name &rarr; array
     * @param compress deflate entries when true
     * @throws IOException when the stream fails
     */
    public static void write(OutputStream os, Map<String, NpyArray> arrays, boolean compress) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(os);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            byte[] content = Npy.toBytes(e.getValue());
            ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
            entry.setTime(315532800000L + 43200000L); // fixed timestamp (1980-01-01 noon UTC): reproducible files
            if (compress) {
                entry.setMethod(ZipEntry.DEFLATED);
            } else {
                CRC32 crc = new CRC32();
                crc.update(content);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(content.length);
                entry.setCompressedSize(content.length);
                entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            zip.write(content);
            zip.closeEntry();
        }
        zip.finish();
    }
}
