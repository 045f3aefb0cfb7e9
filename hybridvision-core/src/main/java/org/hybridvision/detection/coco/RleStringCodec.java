package org.hybridvision.detection.coco;

/**
 * COCO's compressed text form of RLE counts (the {@code "counts": "..."} string of a compressed RLE).
 *
 * <p>The scheme, as the COCO mask API defines it: each count from the fourth on is first replaced by its difference
 * to the count two places before it (the previous run of the same value), which is small for smooth shapes; the first
 * three counts are kept as they are. Each number is then written in little-endian groups of 5 bits, one character per
 * group: bit 5 ({@code 0x20}) says another group follows, bit 4 of the last group is the sign (two's complement, as
 * in signed LEB128), and the character is the 6-bit value plus 48, so the text uses ASCII {@code '0'} to {@code 'o'}.
 */
final class RleStringCodec {
    private RleStringCodec() {
    }

    /**
     * @param counts run lengths (background first)
     * @return the compressed string
     */
    static String encode(int[] counts) {
        StringBuilder s = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long value = counts[i] & 0xFFFFFFFFL;
            if (i > 2) {
                value -= counts[i - 2] & 0xFFFFFFFFL;
            }
            boolean more = true;
            while (more) {
                int group = (int) (value & 0x1F);
                value >>= 5; // arithmetic shift keeps the sign
                more = (group & 0x10) != 0 ? value != -1 : value != 0;
                if (more) {
                    group |= 0x20;
                }
                s.append((char) (group + 48));
            }
        }
        return s.toString();
    }

    /**
     * @param text a compressed counts string
     * @return the run lengths
     * @throws IllegalArgumentException when a character is outside {@code '0'..'o'}, the text ends inside a number,
     *     or a decoded count is negative or does not fit 32 bits
     */
    static int[] decode(String text) {
        int[] counts = new int[text.length()];
        int m = 0;
        int p = 0;
        while (p < text.length()) {
            long value = 0;
            int shift = 0;
            boolean more = true;
            while (more) {
                if (p >= text.length()) {
                    throw new IllegalArgumentException("compressed RLE counts end inside a number (at character "
                            + p + " of " + text.length() + ")");
                }
                char ch = text.charAt(p);
                int group = ch - 48;
                if (group < 0 || group > 63) {
                    throw new IllegalArgumentException("compressed RLE counts contain '" + ch + "' at character " + p
                            + "; only ASCII '0' to 'o' are valid");
                }
                if (shift > 35) {
                    throw new IllegalArgumentException("compressed RLE counts hold a number longer than 32 bits at "
                            + "character " + p);
                }
                value |= (long) (group & 0x1F) << shift;
                more = (group & 0x20) != 0;
                p++;
                shift += 5;
                if (!more && (group & 0x10) != 0) {
                    value |= -1L << shift;
                }
            }
            if (m > 2) {
                value += counts[m - 2] & 0xFFFFFFFFL;
            }
            if (value < 0 || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("compressed RLE counts decode to run length " + value
                        + " (run " + m + "), outside 0.." + Integer.MAX_VALUE);
            }
            counts[m++] = (int) value;
        }
        return java.util.Arrays.copyOf(counts, m);
    }
}
