package org.hybridvision.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hybridvision.HybridVisionException;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Supported element types: float32, float64, int64, int32 and uint8 (bool is read as uint8); C order only. Files
 * are written little-endian in version 1.0 (2.0 when the header is too long), with the header padded to a multiple of
 * 64 bytes as NumPy does; big-endian files are read too.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z]\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * @param file a .npy file
     * @return its content
     * @throws HybridVisionException naming the file when it is missing, truncated or of an unsupported kind
     */
    public static NpyArray read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read .npy file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param in a stream positioned at the start of .npy content
     * @param name a name for error messages
     * @return the array
     * @throws IOException when the stream fails
     * @throws HybridVisionException naming {@code name} when the content is not a supported .npy
     */
    public static NpyArray read(InputStream in, String name) throws IOException {
        byte[] pre = new byte[8];
        readFully(in, pre, name);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre[i] != MAGIC[i]) {
                throw new HybridVisionException(name + " is not a .npy file (no \\x93NUMPY magic at the start).");
            }
        }
        int major = pre[6] & 0xFF;
        int headerLen;
        if (major == 1) {
            byte[] l = new byte[2];
            readFully(in, l, name);
            headerLen = (l[0] & 0xFF) | (l[1] & 0xFF) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = new byte[4];
            readFully(in, l, name);
            headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new HybridVisionException(name + " uses .npy format version " + major + ", which is not supported.");
        }
        if (headerLen < 0 || headerLen > (1 << 24)) {
            throw new HybridVisionException(name + " has an invalid .npy header length " + headerLen + ".");
        }
        byte[] hb = new byte[headerLen];
        readFully(in, hb, name);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher d = DESCR.matcher(header);
        if (!d.find()) {
            throw new HybridVisionException(name + ": unsupported .npy dtype in header " + header.trim()
                    + " (supported: float32, float64, int64, int32, uint8, bool).");
        }
        NpyArray.DType dtype = NpyArray.DType.fromCode(d.group(2));
        if (dtype == null) {
            throw new HybridVisionException(name + ": unsupported .npy dtype '" + d.group(1) + d.group(2)
                    + "' (supported: float32, float64, int64, int32, uint8, bool). Convert it with numpy astype.");
        }
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Matcher f = FORTRAN.matcher(header);
        if (f.find() && f.group(1).equals("True")) {
            throw new HybridVisionException(name + " is stored in Fortran order: save it with "
                    + "np.ascontiguousarray(a) first.");
        }
        Matcher s = SHAPE.matcher(header);
        if (!s.find()) {
            throw new HybridVisionException(name + ": no shape in .npy header " + header.trim() + ".");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                dims.add(Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        long nbytes = count * dtype.bytes();
        if (nbytes > Integer.MAX_VALUE - 16) {
            throw new HybridVisionException(name + " holds " + count + " elements, more than one Java array can.");
        }
        byte[] body = new byte[(int) nbytes];
        try {
            readFully(in, body, name);
        } catch (EOFException e) {
            throw new HybridVisionException(name + " is truncated: the header promises " + nbytes
                    + " bytes of data.", e);
        }
        return NpyArray.fromBytes(dtype, shape, ByteBuffer.wrap(body).order(order));
    }

    private static void readFully(InputStream in, byte[] b, String name) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                throw new EOFException(name + " ended after " + off + " of " + b.length + " bytes");
            }
            off += n;
        }
    }

    /**
     * Writes an array to a file (created or replaced).
     *
     * @param file destination
     * @param array the array
     * @throws HybridVisionException when the file cannot be written
     */
    public static void write(Path file, NpyArray array) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            write(out, array);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot write .npy file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param out destination stream (not closed)
     * @param array the array
     * @throws IOException when the stream fails
     */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array));
        out.write(array.toLittleEndianBytes());
    }

    /**
     * @param array the array
     * @return the complete .npy file content
     */
    public static byte[] toBytes(NpyArray array) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(bos, array);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    static byte[] header(NpyArray array) {
        StringBuilder sb = new StringBuilder("{'descr': '").append(array.dtype().descr())
                .append("', 'fortran_order': False, 'shape': (");
        long[] shape = array.shape();
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                sb.append(shape.length == 1 ? "," : ", ");
            }
        }
        sb.append("), }");
        int major = sb.length() + 11 > 65535 ? 2 : 1;
        int pre = major == 1 ? 10 : 12;
        int total = pre + sb.length() + 1;
        int padded = (total + 63) / 64 * 64;
        while (pre + sb.length() + 1 < padded) {
            sb.append(' ');
        }
        sb.append('\n');
        byte[] h = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = ByteBuffer.allocate(pre + h.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            buf.putShort((short) h.length);
        } else {
            buf.putInt(h.length);
        }
        buf.put(h);
        return buf.array();
    }
}
