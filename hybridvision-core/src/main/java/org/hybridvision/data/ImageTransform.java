package org.hybridvision.data;

import java.util.random.RandomGenerator;

/**
 * One step of an image pipeline: takes an 8-bit image and returns a new one.
 *
 * <p>Random transforms draw only from the generator they are given, so a pipeline is reproducible from a seed (see
 * {@link Seeds}); deterministic transforms ignore it. Implementations must be thread-safe (stateless or immutable),
 * because a decode pool applies one instance to many images at once.
 */
@FunctionalInterface
public interface ImageTransform {
    /**
     * @param image the input (never modified)
     * @param random the source of randomness for this image
     * @return the transformed image (may be the input when nothing changes)
     */
    ByteImage apply(ByteImage image, RandomGenerator random);

    /**
     * @param next the transform to apply after this one
     * @return a transform applying this, then next
     */
    default ImageTransform andThen(ImageTransform next) {
        ImageTransform first = this;
        return (image, random) -> next.apply(first.apply(image, random), random);
    }

    /** @return the identity transform */
    static ImageTransform identity() {
        return (image, random) -> image;
    }
}
