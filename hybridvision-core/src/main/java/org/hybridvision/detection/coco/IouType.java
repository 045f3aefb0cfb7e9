package org.hybridvision.detection.coco;

import java.util.Locale;

/** What the COCO metric overlaps: boxes or instance masks (pycocotools' {@code iouType}). */
public enum IouType {
    /** Box IoU ({@code "bbox"}). */
    BBOX,
    /** Mask IoU on RLEs ({@code "segm"}). */
    SEGM;

    /** @return the name pycocotools uses: {@code bbox} or {@code segm} */
    public String cocoName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
