#!/usr/bin/env python3
"""Writes augment_refs.npz: Pillow's output for each RandAugment op (timm 'increasing' set) at fixed arguments.

The ops are called exactly as timm's auto_augment.py calls Pillow (ImageOps / ImageEnhance / Image.transform /
Image.rotate, fillcolor = ImageNet mean (124, 116, 104)), on a 48x36 crop of chelsea.png (RGB) and its "L" version.
The Java test RandAugmentOpsTest checks org.hybridvision.data.RandAugment / PilOps / Affine against these arrays.
Keys: "<case>" -> uint8 array [H, W, 3] or [H, W]; "src_rgb", "src_l" are the inputs.

Environment: Debian bookworm python3-pil 9.4.0, python3-numpy 1.24.2.  Run: /usr/bin/python3 make_augment_refs.py
"""
import math
import os

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
FILL = (124, 116, 104)
BIL, BIC = Image.BILINEAR, Image.BICUBIC


def solarize_add(img, add, thresh=128):
    lut = [min(255, i + add) if i < thresh else i for i in range(256)]
    if img.mode == "RGB":
        lut = lut * 3
    return img.point(lut)


def affine(img, m, resample, fill):
    return img.transform(img.size, Image.AFFINE, m, resample=resample, fillcolor=fill)


def cases(img, fill):
    w, h = img.size
    return {
        "autocontrast": ImageOps.autocontrast(img),
        "equalize": ImageOps.equalize(img),
        "invert": ImageOps.invert(img),
        "posterize1": ImageOps.posterize(img, 1),
        "posterize3": ImageOps.posterize(img, 3),
        "posterize0": ImageOps.posterize(img, 0),
        "solarize26": ImageOps.solarize(img, 26),
        "solarizeadd99": solarize_add(img, 99),
        "color0.19": ImageEnhance.Color(img).enhance(0.19),
        "color1.81": ImageEnhance.Color(img).enhance(1.81),
        "contrast0.19": ImageEnhance.Contrast(img).enhance(0.19),
        "contrast1.81": ImageEnhance.Contrast(img).enhance(1.81),
        "brightness0.19": ImageEnhance.Brightness(img).enhance(0.19),
        "brightness1.81": ImageEnhance.Brightness(img).enhance(1.81),
        "sharpness0.19": ImageEnhance.Sharpness(img).enhance(0.19),
        "sharpness1.81": ImageEnhance.Sharpness(img).enhance(1.81),
        "rotate27_bicubic": img.rotate(27.0, resample=BIC, fillcolor=fill),
        "rotate-25.3_bilinear": img.rotate(-25.3, resample=BIL, fillcolor=fill),
        "shearx0.27_bicubic": affine(img, (1, 0.27, 0, 0, 1, 0), BIC, fill),
        "sheary-0.27_bilinear": affine(img, (1, 0, 0, -0.27, 1, 0), BIL, fill),
        "translatex0.405_bicubic": affine(img, (1, 0, 0.405 * w, 0, 1, 0), BIC, fill),
        "translatey-0.3712_bicubic": affine(img, (1, 0, 0, 0, 1, -0.3712 * h), BIC, fill),
    }


def main():
    src = Image.open(os.path.join(HERE, "photos", "chelsea.png")).convert("RGB").crop((190, 66, 238, 102))
    grey = src.convert("L")
    out = {"src_rgb": np.asarray(src), "src_l": np.asarray(grey)}
    for k, v in cases(src, FILL).items():
        out["rgb/" + k] = np.asarray(v)
    grey_fill = (FILL[0] * 19595 + FILL[1] * 38470 + FILL[2] * 7471 + 0x8000) >> 16
    for k, v in cases(grey, grey_fill).items():
        out["l/" + k] = np.asarray(v)
    path = os.path.join(HERE, "augment_refs.npz")
    np.savez_compressed(path, **out)
    print("wrote", path, os.path.getsize(path), "bytes,", len(out), "arrays")


if __name__ == "__main__":
    main()
