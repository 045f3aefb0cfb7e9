package org.hybridvision.data;

/**
 * One decoded dataset item.
 *
 * @param image the decoded pixels (grey for IDX data, RGB otherwise)
 * @param label the class index
 * @param source where it came from, for messages: a file path, or {@code file#index} for packed formats
 */
public record Sample(ByteImage image, int label, String source) {
}
