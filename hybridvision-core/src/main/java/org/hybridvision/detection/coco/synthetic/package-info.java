/**
 * A real detection and instance-segmentation data set with exact answers, made on any machine from Debian packages:
 * Tux Paint photo cut-outs ({@code tuxpaint-stamps-default}) pasted onto crops of real photos, written in COCO
 * format ({@code hybridvision detect make-data}).
 *
 * <p>{@link org.hybridvision.detection.coco.synthetic.StampDataGenerator} makes the data set (settings, output
 * layout, determinism, reuse of a complete folder); {@link org.hybridvision.detection.coco.synthetic.StampCategory}
 * lists the 14 categories and their stamps. Inside: {@code DebianPackages} finds or fetches a package's files,
 * {@code StampLibrary} decodes the cut-outs, {@code Backgrounds} the photos, {@code SceneComposer} composes one image
 * and its visible masks.
 *
 * <p>The stamps are GPL-2: they are read at run time from the installed (or fetched) package and never stored in
 * this project.
 */
package org.hybridvision.detection.coco.synthetic;
