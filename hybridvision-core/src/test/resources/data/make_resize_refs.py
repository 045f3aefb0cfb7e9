#!/usr/bin/env python3
"""Writes resize_refs.npz: Pillow's Image.resize on small crops of coffee.png, for ResizeParityTest.

Covers what the photo references (bicubic downscaling of RGB) do not: bilinear, grey ("L") images, upscaling,
mixed up/down scaling and 1-pixel sizes. Keys: "src<i>", "dst<i>" (uint8 [H, W, 3] or [H, W]) and "filter<i>"
(0 = BILINEAR, 1 = BICUBIC).

Environment: Debian bookworm python3-pil 9.4.0, python3-numpy 1.24.2.  Run: /usr/bin/python3 make_resize_refs.py
"""
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
# (crop x, y, w, h, grey, out w, out h, filter)
CASES = [
    (100, 100, 40, 30, False, 17, 13, 1),
    (100, 100, 40, 30, False, 17, 13, 0),
    (300, 200, 28, 28, True, 64, 64, 1),   # Fashion-MNIST-like upscaling of a grey image
    (300, 200, 28, 28, True, 64, 64, 0),
    (10, 300, 33, 21, False, 48, 9, 1),    # up in x, down in y
    (10, 300, 33, 21, True, 5, 40, 0),
    (250, 50, 1, 19, False, 7, 3, 1),      # 1-pixel-wide source
    (250, 50, 37, 37, False, 1, 1, 1),     # to a single pixel
    (450, 120, 39, 26, False, 39, 11, 1),  # vertical pass only
    (450, 120, 39, 26, True, 12, 26, 1),   # horizontal pass only
]


def main():
    base = Image.open(os.path.join(HERE, "photos", "coffee.png")).convert("RGB")
    out = {}
    for i, (x, y, w, h, grey, ow, oh, f) in enumerate(CASES):
        img = base.crop((x, y, x + w, y + h))
        if grey:
            img = img.convert("L")
        out[f"src{i}"] = np.asarray(img)
        out[f"dst{i}"] = np.asarray(img.resize((ow, oh), [Image.BILINEAR, Image.BICUBIC][f]))
        out[f"filter{i}"] = np.array(f, dtype=np.int32)
    path = os.path.join(HERE, "resize_refs.npz")
    np.savez_compressed(path, **out)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
