package org.hybridvision.detection.coco;

import org.hybridvision.HybridVisionException;

/**
 * A COCO annotation or results file that cannot be read as a whole: not JSON, truncated, or without the structure
 * of the format (for example no {@code images} list). The message names the file and the position (line, column and
 * JSON path) where reading stopped.
 *
 * <p>Bad individual annotations are not this exception: the reader reports and skips them (see {@link CocoReport}).
 */
public class CocoFormatException extends HybridVisionException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, where, and what to do */
    public CocoFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, where, and what to do
     * @param cause the parser's error
     */
    public CocoFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
