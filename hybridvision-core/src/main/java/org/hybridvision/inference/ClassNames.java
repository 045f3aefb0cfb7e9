package org.hybridvision.inference;

import org.hybridvision.HybridVisionException;
import org.hybridvision.data.ImageNetClasses;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Class names for a classifier's outputs: the names stored in a checkpoint trained by this project, else the
 * ImageNet-1k short names ({@link ImageNetClasses}, standard index order) when the head has 1000 outputs, else
 * {@code class_0 .. class_{n-1}}.
 */
public final class ClassNames {
    private ClassNames() {}

    /**
     * @param fromCheckpoint names stored with the weights, or null
     * @param numClasses the number of outputs of the model
     * @return one name per output, in index order
     * @throws HybridVisionException when the checkpoint's names do not match the model's class count
     */
    public static List<String> resolve(List<String> fromCheckpoint, int numClasses) {
        if (fromCheckpoint != null) {
            if (fromCheckpoint.size() != numClasses) {
                throw new HybridVisionException("the checkpoint lists " + fromCheckpoint.size()
                        + " class names but its model has " + numClasses + " outputs: the file is inconsistent; "
                        + "re-export it.");
            }
            return List.copyOf(fromCheckpoint);
        }
        if (numClasses == 1000) {
            return imagenet();
        }
        return generic(numClasses);
    }

    /** @return {@code class_0 .. class_{n-1}} */
    public static List<String> generic(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("class_" + i);
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the 1000 ImageNet-1k short names (torchvision's), in the standard index order */
    public static List<String> imagenet() {
        return ImageNetClasses.get().shortNames();
    }
}
