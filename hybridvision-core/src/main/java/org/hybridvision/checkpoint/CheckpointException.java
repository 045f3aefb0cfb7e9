package org.hybridvision.checkpoint;

import org.hybridvision.HybridVisionException;

/** A checkpoint file that cannot be read, or that does not fit the model it is loaded into. */
public class CheckpointException extends HybridVisionException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with which file, and what to do */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with which file, and what to do
     * @param cause the low-level error
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
