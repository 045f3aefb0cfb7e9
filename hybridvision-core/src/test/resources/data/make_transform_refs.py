#!/usr/bin/env python3
"""Writes transform_refs.npz: torchvision's official evaluation transform applied to committed photos.

Transform (timm / DeiT build_transform(is_train=False), as used by Conformer and CMT):
    Resize(int(size / 0.875), interpolation=BICUBIC) -> CenterCrop(size) -> ToTensor() -> Normalize(ImageNet mean, std)

Each key is "<photo file name>@<size>" -> float32 array [3, size, size] (CHW), saved with np.savez_compressed.
The Java test TransformParityTest compares org.hybridvision.data.EvalTransform against these arrays.

Environment used for the committed file (Debian bookworm packages):
    apt-get install -y python3-torchvision python3-pil python3-numpy
    (torchvision 0.14.1, torch 1.13.1, Pillow 9.4.0, numpy 1.24.2)
Run from this folder:  /usr/bin/python3 make_transform_refs.py
"""
import os

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode

HERE = os.path.dirname(os.path.abspath(__file__))
# (photo, model input size): two lossless PNGs and two JPEGs (rocket.jpg carries an ICC profile, which Pillow ignores)
CASES = [("chelsea.png", 224), ("coffee.png", 224), ("grace_hopper.jpg", 160), ("rocket.jpg", 192)]
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def eval_transform(size):
    return transforms.Compose([
        transforms.Resize(int(size / 0.875), interpolation=InterpolationMode.BICUBIC),
        transforms.CenterCrop(size),
        transforms.ToTensor(),
        transforms.Normalize(MEAN, STD),
    ])


def main():
    out = {}
    for name, size in CASES:
        with open(os.path.join(HERE, "photos", name), "rb") as f:
            img = Image.open(f).convert("RGB")
        x = eval_transform(size)(img)
        assert x.dtype == torch.float32 and tuple(x.shape) == (3, size, size)
        out[f"{name}@{size}"] = x.numpy()
        print(name, size, img.size, float(x.mean()))
    path = os.path.join(HERE, "transform_refs.npz")
    np.savez_compressed(path, **out)
    print("wrote", path, os.path.getsize(path), "bytes;", "torch", torch.__version__, "torchvision",
          torchvision.__version__, "Pillow", PIL.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
