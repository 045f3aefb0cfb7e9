package org.hybridvision;

/**
 * An error caused by the user's input (a file, a name, a size, a setting) rather than by a bug.
 *
 * <p>Its message is written for a person: it says what is wrong and what to do about it. The command line prints
 * only this message (no stack trace unless {@code --debug}) and exits with a non-zero status.
 */
public class HybridVisionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and what to do about it */
    public HybridVisionException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and what to do about it
     * @param cause the low-level error, kept for {@code --debug}
     */
    public HybridVisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
