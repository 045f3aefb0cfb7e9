#!/usr/bin/env python3
"""Writes roi_refs.npz: reference values for the RoI operators of org.hybridvision.detection.roi.

Four groups of keys, one per operator (all float32 unless said otherwise):

* RoIAlign, cases "a<i>_*": torchvision.ops.roi_align on random features, forward and the gradient with respect to the
  features of sum(output * grad_out). Keys: feats [N, C, H, W], rois [K, 5] (batch index, x1, y1, x2, y2), grad_out
  [K, C, oh, ow], out [K, C, oh, ow], grad [N, C, H, W], params (float64: spatial_scale, oh, ow, sampling_ratio,
  aligned).
* RoI feature extractor, cases "e<i>_*": mmdetection v2's SingleRoIExtractor (featmap strides 4/8/16/32, finest
  scale 56, RoIAlign aligned=True, sampling_ratio 0): level = floor(log2(sqrt(w * h) / 56 + 1e-6)) clamped to [0, 3],
  each level's RoIs through roi_align at spatial scale 1/stride, results in the RoI order. Keys: feat<l>
  [N, C, H_l, W_l], rois, grad_out, levels (int64), out, grad<l>, params (float64: out size).
* Mask targets, cases "m<i>_*": mmdetection v2's mask_target_single with BitmapMasks.crop_and_resize: proposals clipped
  to the mask size, roi_align(gt_masks[assigned][:, None], rois, (S, S), 1.0, 0, aligned=True), then >= 0.5.
  Keys: masks (uint8 [G, H, W]), proposals [P, 4], assigned (int64 [P]), soft [P, S, S] (before the threshold),
  targets (uint8 [P, S, S]).
* Mask paste-back, cases "p<i>_*": mmdetection v2's FCNMaskHead._do_paste_mask on CPU (one box per chunk,
  skip_empty=True): grid_sample(align_corners=False) of each mask inside the box's pixel window
  [floor(x1) - 1, ceil(x2) + 1) clipped to the image. Keys: probs [N, S, S], boxes [N, 4], soft [N, H, W] (zero
  outside each window), binary (uint8 [N, H, W], soft >= 0.5), params (float64: H, W).

Environment: Debian bookworm python3-torch 1.13.1, python3-torchvision 0.14.1, python3-numpy 1.24.2 (CPU).
Run once from this folder: /usr/bin/python3 make_roi_refs.py (deterministic for its seeds).
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = {}


def rand_rois(gen, n, batch, h, w, scale):
    """n RoIs in image coordinates (feature coordinates / scale), many crossing the border."""
    rois = []
    for _ in range(n):
        b = int(torch.randint(0, batch, (1,), generator=gen))
        x1 = float(torch.empty(1).uniform_(-0.3 * w, 1.1 * w, generator=gen))
        y1 = float(torch.empty(1).uniform_(-0.3 * h, 1.1 * h, generator=gen))
        bw = float(torch.empty(1).uniform_(0.2, 0.9 * w, generator=gen))
        bh = float(torch.empty(1).uniform_(0.2, 0.9 * h, generator=gen))
        rois.append([b, x1 / scale, y1 / scale, (x1 + bw) / scale, (y1 + bh) / scale])
    return rois


def special_rois(batch, h, w, scale):
    """Hand-picked RoIs (feature coordinates / scale): whole map, beyond the map, degenerate, tiny, inverted."""
    s = 1.0 / scale
    last = batch - 1
    return [
        [0, 0, 0, w * s, h * s],                       # the whole map
        [last, -2 * s, -3 * s, (w + 2) * s, (h + 4) * s],  # larger than the map on every side
        [0, (w + 0.5) * s, 1 * s, (w + 3) * s, 4 * s],  # right of the map, partly inside the [-1, W] band
        [last, (w + 2) * s, 0, (w + 6) * s, h * s],     # fully outside
        [0, 3 * s, 2 * s, 3 * s, 6 * s],               # zero width
        [last, 5 * s, 4 * s, 2 * s, 1 * s],            # inverted (x2 < x1, y2 < y1)
        [0, 1.3 * s, 2.2 * s, 1.6 * s, 2.4 * s],       # smaller than a pixel
        [last, -1.4 * s, -1.2 * s, 0.3 * s, 0.4 * s],  # top-left corner, around the -1 limit
        [0, (w - 1.2) * s, (h - 0.7) * s, (w + 0.8) * s, (h + 0.9) * s],  # bottom-right corner
        [last, 0.5 * s, 0.5 * s, (w - 0.5) * s, (h - 0.5) * s],  # pixel centres
    ]


def roi_align_cases():
    gen = torch.Generator().manual_seed(13)
    # (N, C, H, W, spatial_scale, (oh, ow), sampling_ratio, aligned)
    cases = [
        (2, 3, 11, 15, 1.0, (7, 7), 0, True),
        (2, 3, 11, 15, 0.5, (7, 7), 2, True),
        (2, 3, 11, 15, 0.25, (14, 14), 0, True),
        (2, 2, 9, 13, 0.125, (5, 3), 0, True),
        (1, 3, 12, 10, 0.25, (7, 7), 1, True),
        (3, 2, 10, 14, 1.0 / 16, (7, 7), 0, True),
        (2, 3, 11, 15, 1.0 / 3, (7, 7), 2, True),
        (2, 3, 11, 15, 0.5, (7, 7), 0, False),
        (2, 2, 11, 15, 0.5, (7, 7), 3, True),
        # an 800x1344 image's stride-16 map: large image coordinates, where float32 rounding of the sampling points
        # shows (their order of operations must match torchvision's)
        (1, 2, 50, 84, 1.0 / 16, (7, 7), 0, True),
    ]
    for i, (n, c, h, w, scale, (oh, ow), sr, aligned) in enumerate(cases):
        feats = torch.randn(n, c, h, w, generator=gen)
        rois = special_rois(n, h, w, scale) + rand_rois(gen, 14, n, h, w, scale)
        rois = torch.tensor(rois, dtype=torch.float32)
        x = feats.clone().requires_grad_(True)
        out = torchvision.ops.roi_align(x, rois, (oh, ow), scale, sr, aligned)
        g = torch.randn(out.shape, generator=gen)
        (out * g).sum().backward()
        p = f"a{i}_"
        OUT[p + "feats"] = feats.numpy()
        OUT[p + "rois"] = rois.numpy()
        OUT[p + "grad_out"] = g.numpy()
        OUT[p + "out"] = out.detach().numpy()
        OUT[p + "grad"] = x.grad.numpy()
        OUT[p + "params"] = np.array([scale, oh, ow, sr, 1.0 if aligned else 0.0], dtype=np.float64)


def map_roi_levels(rois, num_levels, finest_scale=56):
    scale = torch.sqrt((rois[:, 3] - rois[:, 1]) * (rois[:, 4] - rois[:, 2]))
    lvls = torch.floor(torch.log2(scale / finest_scale + 1e-6))
    return lvls.clamp(min=0, max=num_levels - 1).long()


def extractor_cases():
    gen = torch.Generator().manual_seed(56)
    strides = [4, 8, 16, 32]
    img_h, img_w = 192, 256
    n, c = 2, 3
    sizes = [  # (w, h) in image pixels: the level boundaries 112, 224, 448 and either side of them
        (10, 12), (56, 56), (111, 113), (112, 112), (100, 130), (224, 224), (223, 225), (300, 170),
        (448, 448), (600, 300), (40, 90), (5, 400), (190, 250), (250, 190), (70, 70), (160, 80),
    ]
    for i, out_size in enumerate([7, 14]):
        feats = [torch.randn(n, c, img_h // s, img_w // s, generator=gen) for s in strides]
        rois = []
        for j, (bw, bh) in enumerate(sizes):
            x1 = float(torch.empty(1).uniform_(-20, max(img_w - bw / 2, -10), generator=gen))
            y1 = float(torch.empty(1).uniform_(-20, max(img_h - bh / 2, -10), generator=gen))
            rois.append([j % n, x1, y1, x1 + bw, y1 + bh])
        rois = torch.tensor(rois, dtype=torch.float32)
        xs = [f.clone().requires_grad_(True) for f in feats]
        lv = map_roi_levels(rois, len(strides))
        out = torch.zeros(len(rois), c, out_size, out_size)
        for l, s in enumerate(strides):
            inds = (lv == l).nonzero(as_tuple=False).squeeze(1)
            if inds.numel() > 0:
                out[inds] = torchvision.ops.roi_align(xs[l], rois[inds], (out_size, out_size), 1.0 / s, 0, True)
        g = torch.randn(out.shape, generator=gen)
        (out * g).sum().backward()
        p = f"e{i}_"
        for l in range(len(strides)):
            OUT[p + f"feat{l}"] = feats[l].numpy()
            OUT[p + f"grad{l}"] = xs[l].grad.numpy()
        OUT[p + "rois"] = rois.numpy()
        OUT[p + "levels"] = lv.numpy()
        OUT[p + "grad_out"] = g.numpy()
        OUT[p + "out"] = out.detach().numpy()
        OUT[p + "params"] = np.array([out_size], dtype=np.float64)


def draw_masks(gen, g, h, w):
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32),
                            indexing="ij")
    masks = torch.zeros(g, h, w, dtype=torch.uint8)
    for k in range(g):
        cx = float(torch.empty(1).uniform_(0, w, generator=gen))
        cy = float(torch.empty(1).uniform_(0, h, generator=gen))
        rx = float(torch.empty(1).uniform_(3, w / 2, generator=gen))
        ry = float(torch.empty(1).uniform_(3, h / 2, generator=gen))
        if k % 2 == 0:  # ellipse
            m = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1
        else:  # axis-aligned rectangle with integer edges, plus a hole
            x0, y0 = int(max(cx - rx, 0)), int(max(cy - ry, 0))
            m = (xx >= x0) & (xx < x0 + int(rx)) & (yy >= y0) & (yy < y0 + int(ry))
            m &= ~((xx - cx) ** 2 + (yy - cy) ** 2 <= 4)
        masks[k] = m.to(torch.uint8)
    return masks


def mask_target_cases():
    gen = torch.Generator().manual_seed(28)
    # (G, H, W, P, mask size)
    for i, (g, h, w, p, size) in enumerate([(4, 48, 64, 12, 28), (3, 37, 52, 9, 14), (2, 200, 300, 8, 28)]):
        masks = draw_masks(gen, g, h, w)
        props = []
        for _ in range(p):
            x1 = float(torch.empty(1).uniform_(-0.2 * w, 0.9 * w, generator=gen))
            y1 = float(torch.empty(1).uniform_(-0.2 * h, 0.9 * h, generator=gen))
            bw = float(torch.empty(1).uniform_(2, 1.1 * w, generator=gen))
            bh = float(torch.empty(1).uniform_(2, 1.1 * h, generator=gen))
            props.append([x1, y1, x1 + bw, y1 + bh])
        props[0] = [0.0, 0.0, float(w), float(h)]   # the whole mask
        props[1] = [10.0, 5.0, 24.0, 19.0]          # integer box
        assigned = torch.randint(0, g, (p,), generator=gen)
        for k in range(2, p // 2 + 2):  # proposals around their object, as positive proposals are
            ys, xs = masks[int(assigned[k])].nonzero(as_tuple=True)
            box = torch.tensor([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], dtype=torch.float32)
            span = (box[2:] - box[:2]).repeat(2)
            props[k] = (box + span * torch.empty(4).uniform_(-0.15, 0.15, generator=gen)).tolist()
        props = torch.tensor(props, dtype=torch.float32)
        # mask_target_single: clip to the mask size, then BitmapMasks.crop_and_resize
        clipped = props.numpy().copy()
        clipped[:, [0, 2]] = np.clip(clipped[:, [0, 2]], 0, w)
        clipped[:, [1, 3]] = np.clip(clipped[:, [1, 3]], 0, h)
        boxes = torch.from_numpy(clipped)
        fake_inds = torch.arange(p, dtype=boxes.dtype)[:, None]
        rois = torch.cat([fake_inds, boxes], dim=1)
        gt = masks.index_select(0, assigned).to(dtype=rois.dtype)
        soft = torchvision.ops.roi_align(gt[:, None, :, :], rois, (size, size), 1.0, 0, True).squeeze(1)
        q = f"m{i}_"
        OUT[q + "masks"] = masks.numpy()
        OUT[q + "proposals"] = props.numpy()
        OUT[q + "assigned"] = assigned.numpy()
        OUT[q + "soft"] = soft.numpy()
        OUT[q + "targets"] = (soft >= 0.5).numpy().astype(np.uint8)


def do_paste_mask(mask, box, img_h, img_w):
    """_do_paste_mask for one box (skip_empty=True): returns the window's values and its slices."""
    boxes = box[None]
    x0_int, y0_int = torch.clamp(boxes.min(dim=0).values.floor()[:2] - 1, min=0).to(dtype=torch.int32)
    x1_int = torch.clamp(boxes[:, 2].max().ceil() + 1, max=img_w).to(dtype=torch.int32)
    y1_int = torch.clamp(boxes[:, 3].max().ceil() + 1, max=img_h).to(dtype=torch.int32)
    x0, y0, x1, y1 = torch.split(boxes, 1, dim=1)
    img_y = torch.arange(y0_int, y1_int, dtype=torch.float32) + 0.5
    img_x = torch.arange(x0_int, x1_int, dtype=torch.float32) + 0.5
    img_y = (img_y - y0) / (y1 - y0) * 2 - 1
    img_x = (img_x - x0) / (x1 - x0) * 2 - 1
    img_x[torch.isinf(img_x)] = 0
    img_y[torch.isinf(img_y)] = 0
    gx = img_x[:, None, :].expand(1, img_y.size(1), img_x.size(1))
    gy = img_y[:, :, None].expand(1, img_y.size(1), img_x.size(1))
    grid = torch.stack([gx, gy], dim=3)
    out = F.grid_sample(mask[None, None].to(torch.float32), grid, align_corners=False)
    return out[0, 0], (slice(int(y0_int), int(y1_int)), slice(int(x0_int), int(x1_int)))


def paste_cases():
    gen = torch.Generator().manual_seed(5)
    for i, (n, s, h, w) in enumerate([(9, 28, 60, 90), (3, 28, 120, 200), (4, 14, 33, 47)]):
        noise = torch.randn(n, 1, 7, 7, generator=gen) * 4
        probs = torch.sigmoid(F.interpolate(noise, size=(s, s), mode="bilinear", align_corners=False))[:, 0]
        boxes = []
        for _ in range(n):
            x1 = float(torch.empty(1).uniform_(-0.2 * w, 0.8 * w, generator=gen))
            y1 = float(torch.empty(1).uniform_(-0.2 * h, 0.8 * h, generator=gen))
            # boxes reach into the image, as detections clipped to it do (mmdetection fails on others)
            bw = float(torch.empty(1).uniform_(1, 0.8 * w, generator=gen)) + max(0.0, -x1)
            bh = float(torch.empty(1).uniform_(1, 0.8 * h, generator=gen)) + max(0.0, -y1)
            boxes.append([x1, y1, x1 + bw, y1 + bh])
        if i == 0:
            boxes[0] = [0.0, 0.0, float(w), float(h)]      # the whole image
            boxes[1] = [10.0, 12.0, 10.0, 30.0]            # zero width: the infinite grid is set to 0
            boxes[2] = [20.3, 7.6, 21.1, 8.2]              # smaller than a pixel
            boxes[3] = [-30.0, -20.0, w + 25.0, h + 15.0]  # larger than the image
            boxes[4] = [5.5, 6.5, 33.5, 34.5]              # half-pixel edges
        boxes = torch.tensor(boxes, dtype=torch.float32)
        soft = torch.zeros(n, h, w)
        for k in range(n):
            vals, (sy, sx) = do_paste_mask(probs[k], boxes[k], h, w)
            soft[k, sy, sx] = vals
        q = f"p{i}_"
        OUT[q + "probs"] = probs.numpy()
        OUT[q + "boxes"] = boxes.numpy()
        OUT[q + "soft"] = soft.numpy()
        OUT[q + "binary"] = (soft >= 0.5).numpy().astype(np.uint8)
        OUT[q + "params"] = np.array([h, w], dtype=np.float64)


def main():
    torch.set_num_threads(1)
    roi_align_cases()
    extractor_cases()
    mask_target_cases()
    paste_cases()
    np.savez_compressed(os.path.join(HERE, "roi_refs.npz"), **OUT)
    print(f"wrote {len(OUT)} arrays, torch {torch.__version__}, torchvision {torchvision.__version__}")


if __name__ == "__main__":
    main()
