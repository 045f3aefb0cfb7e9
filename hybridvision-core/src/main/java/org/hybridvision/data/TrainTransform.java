package org.hybridvision.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The training transform of the reference recipe (timm {@code create_transform(is_training=True)} as configured by
 * Conformer and CMT): RandomResizedCrop (scale 0.08-1, ratio 3/4-4/3, bicubic) &rarr; horizontal flip (0.5) &rarr;
 * RandAugment {@code rand-m9-mstd0.5-inc1} &rarr; ToTensor + Normalize (ImageNet) &rarr; RandomErasing (0.25, pixel,
 * 1). Mixup/CutMix is applied later, per batch ({@link MixupCutmix}).
 *
 * <p>Every random draw comes from the generator passed to {@link #apply}; use {@link Seeds#forSample} for a
 * reproducible, thread-order-independent stream per sample.
 */
public final class TrainTransform extends ImagePipeline {
    private TrainTransform(List<ImageTransform> image, Normalize normalize, List<TensorTransform> tensor, int size) {
        super(image, normalize, tensor, size);
    }

    /**
     * @param inputSize output resolution
     * @return the reference recipe at that resolution
     */
    public static TrainTransform standard(int inputSize) {
        return builder(inputSize).build();
    }

    /**
     * @param inputSize output resolution
     * @return a builder preset to the reference recipe
     */
    public static Builder builder(int inputSize) {
        return new Builder(inputSize);
    }

    /** Configures a {@link TrainTransform}; every setting starts at the reference recipe's value. */
    public static final class Builder {
        private final int size;
        private double minScale = 0.08;
        private double maxScale = 1.0;
        private double minRatio = 3.0 / 4.0;
        private double maxRatio = 4.0 / 3.0;
        private Interpolation interpolation = Interpolation.BICUBIC;
        private double hflip = 0.5;
        private String randAugment = "rand-m9-mstd0.5-inc1";
        private double reprob = 0.25;
        private Normalize normalize = Normalize.imagenet();

        private Builder(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("input size must be positive, got " + size);
            }
            this.size = size;
        }

        /**
         * @param min smallest crop area fraction
         * @param max largest crop area fraction
         * @return this
         */
        public Builder scale(double min, double max) {
            minScale = min;
            maxScale = max;
            return this;
        }

        /**
         * @param min smallest crop aspect ratio
         * @param max largest crop aspect ratio
         * @return this
         */
        public Builder ratio(double min, double max) {
            minRatio = min;
            maxRatio = max;
            return this;
        }

        /**
         * @param value resize filter (crop and RandAugment geometry)
         * @return this
         */
        public Builder interpolation(Interpolation value) {
            interpolation = value;
            return this;
        }

        /**
         * @param p horizontal flip probability (0 disables)
         * @return this
         */
        public Builder hflip(double p) {
            hflip = p;
            return this;
        }

        /**
         * @param config timm RandAugment string, or null / empty to disable
         * @return this
         */
        public Builder randAugment(String config) {
            randAugment = config;
            return this;
        }

        /**
         * @param p random-erasing probability (0 disables)
         * @return this
         */
        public Builder randomErasing(double p) {
            reprob = p;
            return this;
        }

        /**
         * @param value normalisation statistics (RandAugment fills with their mean colour)
         * @return this
         */
        public Builder normalize(Normalize value) {
            normalize = value;
            return this;
        }

        /** @return the transform */
        public TrainTransform build() {
            List<ImageTransform> image = new ArrayList<>();
            image.add(new RandomResizedCrop(size, minScale, maxScale, minRatio, maxRatio, interpolation));
            if (hflip > 0) {
                image.add(new RandomHorizontalFlip(hflip));
            }
            if (randAugment != null && !randAugment.isBlank()) {
                int[] mean = normalize.meanPixel();
                int[] fill = mean.length == 3 ? mean : new int[] {mean[0], mean[0], mean[0]};
                image.add(RandAugment.parse(randAugment, interpolation, fill));
            }
            List<TensorTransform> tensor = new ArrayList<>();
            if (reprob > 0) {
                tensor.add(RandomErasing.standard(reprob));
            }
            return new TrainTransform(image, normalize, tensor, size);
        }
    }
}
