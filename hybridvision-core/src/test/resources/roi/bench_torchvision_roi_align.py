#!/usr/bin/env python3
"""Times torchvision's C++ RoIAlign on the RoIs of RoiAlignBenchmark, as a baseline for our RoIAlign.

RoiAlignBenchmark (mvn -B -q -pl hybridvision-core test -Dslow=true -Dtest=RoiAlignBenchmark
-Dsurefire.failIfNoSpecifiedTests=false) writes hybridvision-core/target/roi-bench/setting.npz (box_rois, mask_rois:
[K, 5] (batch index, x1, y1, x2, y2) in 800x1344 image pixels; images) and prints this script's command line. This
script pools the same RoIs from random 256-channel maps P2-P5 as mmdetection's SingleRoIExtractor does (level by
scale, finest scale 56, torchvision.ops.roi_align aligned=True, sampling ratio 0, 7x7 for boxes and 14x14 for masks),
forward and backward (gradient with respect to the four maps), and prints the medians in the benchmark's format.

Environment: Debian bookworm python3-torch 1.13.1, python3-torchvision 0.14.1 (CPU).
Run: /usr/bin/python3 bench_torchvision_roi_align.py SETTING.npz [RUNS=5]
"""
import sys
import time

import numpy as np
import torch
import torchvision

STRIDES = [4, 8, 16, 32]


def extract(feats, rois, size):
    scale = torch.sqrt((rois[:, 3] - rois[:, 1]) * (rois[:, 4] - rois[:, 2]))
    lv = torch.floor(torch.log2(scale / 56 + 1e-6)).clamp(min=0, max=len(feats) - 1).long()
    out = feats[0].new_zeros(rois.size(0), feats[0].size(1), size, size)
    for l, s in enumerate(STRIDES):
        inds = (lv == l).nonzero(as_tuple=False).squeeze(1)
        if inds.numel() > 0:
            out[inds] = torchvision.ops.roi_align(feats[l], rois[inds], (size, size), 1.0 / s, 0, True)
    return out


def main():
    setting = np.load(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(2)
    images = int(setting["images"][0])
    feats = [torch.randn(images, 256, 800 // s, 1344 // s, requires_grad=True) for s in STRIDES]
    print(f"torchvision {torchvision.__version__} RoIAlign, {images} image(s), torch threads "
          f"{torch.get_num_threads()}, {runs} timed runs after 1 warm-up")
    total = 0.0
    for name, key, size in [("box", "box_rois", 7), ("mask", "mask_rois", 14)]:
        rois = torch.from_numpy(setting[key])
        fwd, bwd = [], []
        for r in range(runs + 1):
            t0 = time.perf_counter()
            out = extract(feats, rois, size)
            t1 = time.perf_counter()
            out.sum().backward()
            t2 = time.perf_counter()
            if r > 0:
                fwd.append((t1 - t0) * 1e3)
                bwd.append((t2 - t1) * 1e3)
        for what, t in [("forward", fwd), ("backward", bwd)]:
            t = sorted(t)
            label = f"{name} torchvision RoIAlign {size}x{size} {what}"
            print(f"  {label:<58} median {t[len(t) // 2]:8.1f} ms   min {t[0]:8.1f} ms")
            total += t[len(t) // 2]
    print(f"torchvision RoIAlign box + mask, forward + backward: {total:.1f} ms")


if __name__ == "__main__":
    main()
