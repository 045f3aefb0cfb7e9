package org.hybridvision.eval;

import org.hybridvision.HybridVisionException;
import org.hybridvision.data.ImageFolderDataset;
import org.hybridvision.inference.ImageSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled image set in torchvision's ImageFolder layout ({@code root/<class>/**&#47;<image>}), as the labelled
 * {@link ImageSource}s that {@link Evaluator} streams through the decode pool. The layout rules are those of
 * {@link ImageFolderDataset}: class index = sorted sub-folder order, or the order of a class list (one folder name per
 * line; {@code root/classes.txt} is used automatically when present), in which case listed classes may lack a
 * folder (a subset of the model's classes, e.g. some ImageNet wnids) and unlisted folders are an error.
 *
 * @param dataset the underlying dataset (class names, paths, labels)
 * @param samples one labelled source per image, in dataset order
 */
public record LabeledFolder(ImageFolderDataset dataset, List<ImageSource> samples) {

    /**
     * @param root ImageFolder root
     * @param classList optional class list file (one folder name per line, index = position), or null for
     *     {@code root/classes.txt} if present, else sorted folder order
     * @return the image set
     * @throws HybridVisionException when the folder is missing, has no class folders or images, or does not match the
     *     class list
     */
    public static LabeledFolder scan(Path root, Path classList) {
        ImageFolderDataset ds = classList == null ? ImageFolderDataset.open(root)
                : ImageFolderDataset.open(root, ImageFolderDataset.readClassList(classList));
        List<ImageSource> samples = new ArrayList<>(ds.size());
        for (int i = 0; i < ds.size(); i++) {
            samples.add(ImageSource.of(ds.path(i), ds.label(i)));
        }
        return new LabeledFolder(ds, List.copyOf(samples));
    }

    /** @return class names (folder names), position = class index */
    public List<String> classes() {
        return dataset.classNames();
    }
}
