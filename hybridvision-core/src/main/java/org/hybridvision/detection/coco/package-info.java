/**
 * COCO data: the annotation model, its reader and writer, instance masks, and (see below) the COCO detection metric.
 * Plain Java (Gson for JSON); no tensors, no engine.
 *
 * <h2>Annotations</h2>
 * <ul>
 *   <li>{@link org.hybridvision.detection.coco.CocoDataset}: a parsed {@code instances_*.json}: {@code images()},
 *       {@code categories()} (ascending id), {@code annotations()}, {@code image(id)} / {@code findImage(id)},
 *       {@code annotationsOf(imageId)}, {@code labels()}, {@code mask(annotation)} (the annotation's mask as an
 *       {@code Rle} at its image's size), {@code report()}, {@code write(path)}.
 *       {@code CocoDataset.read(file)} reads for training, {@code CocoDataset.read(file, imageDir)} also drops images
 *       whose file is missing; {@code CocoDataset.builder()} assembles one in code.</li>
 *   <li>{@link org.hybridvision.detection.coco.CocoImage} (id, fileName, width, height),
 *       {@link org.hybridvision.detection.coco.CocoCategory} (id, name, supercategory),
 *       {@link org.hybridvision.detection.coco.CocoAnnotation} (id, imageId, categoryId, bbox, area, crowd,
 *       segmentation or null), {@link org.hybridvision.detection.coco.CocoBox} ({@code [x, y, w, h]}, with
 *       {@code toXyxy()}, {@code clip}, and the metric's {@code iou(detection, groundTruth, crowd)}).</li>
 *   <li>{@link org.hybridvision.detection.coco.LabelMap}: COCO category ids (1..90 with gaps in COCO itself) to
 *       contiguous labels 0..K-1 in ascending id order and back: {@code label(categoryId)},
 *       {@code categoryId(label)}, {@code names()}.</li>
 *   <li>{@link org.hybridvision.detection.coco.CocoReader}: {@code forTraining()} (clip boxes that cross the border,
 *       skip unusable annotations) or {@code forEvaluation()} (alter nothing the metric scores), optionally
 *       {@code withImageDir(dir)}. Every bad entry is a {@link org.hybridvision.detection.coco.CocoIssue} (kind,
 *       action, image id, annotation id, detail) in the {@link org.hybridvision.detection.coco.CocoReport}; only a
 *       file that cannot be read as a whole throws ({@link org.hybridvision.detection.coco.CocoFormatException},
 *       naming the file and the position).</li>
 *   <li>{@link org.hybridvision.detection.coco.CocoWriter}: writes a data set back (atomically; RLE counts
 *       compressed or as lists).</li>
 * </ul>
 *
 * <h2>Masks</h2>
 * <ul>
 *   <li>{@link org.hybridvision.detection.coco.Segmentation}: {@link org.hybridvision.detection.coco.Polygons} or
 *       {@link org.hybridvision.detection.coco.Rle}; {@code toRle(height, width)} rasterises as pycocotools'
 *       {@code annToRLE} does.</li>
 *   <li>{@code Rle}: COCO's column-major run-length encoding. {@code fromMask(rowMajor, h, w)}, {@code toMask()},
 *       {@code fromColumnMajor}, {@code of(h, w, counts)}, {@code fromCompressedString} /
 *       {@code toCompressedString()} (COCO's LEB128-like text), {@code area()}, {@code boundingBox()},
 *       {@code union}, {@code intersection}, {@code iou(detection, groundTruth, crowd)} (crowd: the denominator is the
 *       detection's area), {@code fromBox}. Checked against pycocotools in the tests.</li>
 * </ul>
 *
 * <h2>The COCO detection metric</h2>
 * <ul>
 *   <li>{@link org.hybridvision.detection.coco.CocoDetection}: one result (imageId, categoryId, bbox and/or mask,
 *       score, area); {@code ofBox(...)}, {@code of(imageId, categoryId, bbox, mask, score)}. Category ids are COCO
 *       ids: a detector maps its labels back with {@code LabelMap.categoryId(label)}.</li>
 *   <li>{@link org.hybridvision.detection.coco.CocoResults}: reads ({@code read(file, groundTruth)}) and writes
 *       ({@code write(file, detections)}) the COCO results format, with pycocotools' {@code loadRes} rules.</li>
 *   <li>{@link org.hybridvision.detection.coco.CocoEvaluator}{@code (groundTruth, IouType.BBOX | SEGM)}
 *       {@code .evaluate(detections)} gives a {@link org.hybridvision.detection.coco.CocoEvaluation}: {@code stats()}
 *       (the 12 figures, {@code ap()}, {@code ap50()}, {@code ap75()}), {@code summaryLines()} (printed as
 *       pycocotools prints them), {@code perCategory()}, {@code perCategoryTable()}, {@code precision(t, r, k, a, m)},
 *       {@code recall(t, k, a, m)}, {@code toJson()}. Settings in
 *       {@link org.hybridvision.detection.coco.EvalParams} ({@code coco()} is the standard). Figures equal
 *       pycocotools' to 1e-12 on the test cases; the one deliberate difference (ground truth id 0) is documented on
 *       the evaluator.</li>
 * </ul>
 */
package org.hybridvision.detection.coco;
