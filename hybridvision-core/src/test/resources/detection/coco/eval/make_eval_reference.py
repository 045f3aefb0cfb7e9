"""Random COCO evaluation cases and their pycocotools figures, made ONCE for CocoEvaluatorReferenceTest.

Run from this folder:   /tmp/t213/bin/python make_eval_reference.py
Deterministic (fixed seed). Writes, next to this script:
  boxes_gt.json, boxes_results.json      a few hundred random boxes: 5 categories with id gaps, crowd regions,
                                          small/medium/large objects, jittered true positives, duplicates, wrong
                                          classes, background false positives, tied scores, an image with more than
                                          100 detections of one class, a category unknown to the ground truth
  masks_gt.json                           polygon masks (several parts for some) and crowd regions as uncompressed RLE
  masks_results.json                      compressed-RLE detections with boxes (as mmdetection writes segm results)
  masks_results_nobox.json                the same masks without boxes (areas then come from the masks)
  reference.json                          pycocotools 2.0.11 figures for each case: the 12 stats, the printed summary,
                                          recall [T,K,A,M], precision [T,R,K] at area=all / maxDets=100, and per
                                          category AP over all areas at 100 detections
The Java test reads these files; it never runs Python.
"""
import contextlib
import io
import json

import numpy as np
import pycocotools.mask as mu
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

rng = np.random.default_rng(12_2026)
CATS = [1, 2, 5, 9, 11]


def r2(v):
    return float(round(float(v), 2))


def box_case():
    images, anns, dets = [], [], []
    aid = 1
    for img_id in range(1, 61):
        w, h = int(rng.integers(200, 640)), int(rng.integers(200, 640))
        images.append({"id": img_id * 3, "file_name": "%06d.jpg" % img_id, "width": w, "height": h})
        for _ in range(int(rng.integers(0, 9))):
            cat = int(rng.choice(CATS))
            scale = rng.choice([12.0, 40.0, 150.0])
            bw, bh = rng.uniform(0.4, 1.6) * scale, rng.uniform(0.4, 1.6) * scale
            x, y = rng.uniform(0, max(1, w - bw)), rng.uniform(0, max(1, h - bh))
            crowd = int(rng.random() < 0.05)
            area = bw * bh * rng.uniform(0.5, 1.0)
            anns.append({"id": aid, "image_id": img_id * 3, "category_id": cat, "bbox": [x, y, bw, bh],
                         "area": area, "iscrowd": crowd})
            aid += 1
            if rng.random() < 0.85:  # a detection near it
                jit = rng.normal(0, rng.choice([0.03, 0.1, 0.25]), 4)
                d = [x + jit[0] * bw, y + jit[1] * bh, bw * (1 + jit[2]), bh * (1 + jit[3])]
                wrong = rng.random() < 0.1
                dcat = int(rng.choice(CATS)) if wrong else cat
                dets.append({"image_id": img_id * 3, "category_id": dcat, "bbox": d, "score": r2(rng.random())})
                if rng.random() < 0.15:  # a duplicate, slightly moved
                    d2 = [d[0] + 1, d[1] - 1, d[2], d[3]]
                    dets.append({"image_id": img_id * 3, "category_id": dcat, "bbox": d2,
                                 "score": r2(rng.random())})
        for _ in range(int(rng.integers(0, 4))):  # background false positives
            s = rng.choice([10.0, 50.0, 120.0])
            dets.append({"image_id": img_id * 3, "category_id": int(rng.choice(CATS)),
                         "bbox": [rng.uniform(0, w - s), rng.uniform(0, h - s), s, s * rng.uniform(0.5, 2)],
                         "score": r2(rng.random() * 0.6)})
    # one image with 150 detections of one class around 3 objects: the 100-detection limit cuts
    crowded = images[7]["id"]
    for k in range(150):
        dets.append({"image_id": crowded, "category_id": 2, "bbox": [10 + k % 7, 20 + k % 5, 60, 50],
                     "score": r2(0.3 + 0.7 * rng.random())})
    for k in range(3):
        anns.append({"id": aid, "image_id": crowded, "category_id": 2, "bbox": [10 + 2 * k, 20 + k, 60, 50],
                     "area": 2800.0, "iscrowd": 0})
        aid += 1
    dets.append({"image_id": images[0]["id"], "category_id": 99, "bbox": [1, 1, 10, 10], "score": 0.9})
    gt = {"images": images, "annotations": anns,
          "categories": [{"id": c, "name": "class%d" % c, "supercategory": "x"} for c in CATS]}
    return gt, dets


def polygon(cx, cy, r):
    n = int(rng.integers(4, 10))
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r * rng.uniform(0.5, 1.0, n)
    return [float(v) for p in zip(cx + rad * np.cos(ang), cy + rad * np.sin(ang)) for v in p]


def mask_case():
    images, anns, dets, dets_nobox = [], [], [], []
    aid = 1
    cats = [3, 4, 8]
    for img_id in range(1, 51):
        w, h = int(rng.integers(80, 240)), int(rng.integers(80, 240))
        images.append({"id": img_id, "file_name": "%06d.png" % img_id, "width": w, "height": h})
        for _ in range(int(rng.integers(1, 6))):
            cat = int(rng.choice(cats))
            r = rng.choice([4.0, 12.0, 40.0, 90.0])
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            crowd = rng.random() < 0.08
            rings = [polygon(cx, cy, r)]
            if rng.random() < 0.2:
                rings.append(polygon(cx + r, cy + r / 2, r / 2))
            rle = mu.merge(mu.frPyObjects(rings, h, w))
            area = float(mu.area(rle))
            if area == 0:
                continue
            bbox = [float(v) for v in mu.toBbox(rle)]
            if crowd:
                m = mu.decode(rle)
                flat = m.flatten(order="F")
                runs, cur, n = [], 0, 0
                for v in flat:
                    if v != cur:
                        runs.append(n)
                        n, cur = 0, v
                    n += 1
                runs.append(n)
                seg = {"size": [h, w], "counts": [int(c) for c in runs]}
            else:
                seg = rings
            anns.append({"id": aid, "image_id": img_id, "category_id": cat, "bbox": bbox, "area": area,
                         "iscrowd": int(crowd), "segmentation": seg})
            aid += 1
            if rng.random() < 0.9:
                m = mu.decode(rle).astype(bool)
                dy, dx = (int(v) for v in rng.integers(-2, 3, 2))
                m = np.roll(np.roll(m, dy, 0), dx, 1)
                if rng.random() < 0.5:
                    m = m & (rng.random(m.shape) > 0.1)
                dcat = cat if rng.random() > 0.1 else int(rng.choice(cats))
                enc = mu.encode(np.asfortranarray(m.astype(np.uint8)))
                if mu.area(enc) == 0:
                    continue
                s = r2(rng.random())
                seg = {"size": [h, w], "counts": enc["counts"].decode("ascii")}
                dets.append({"image_id": img_id, "category_id": dcat, "bbox": [float(v) for v in mu.toBbox(enc)],
                             "score": s, "segmentation": seg})
                dets_nobox.append({"image_id": img_id, "category_id": dcat, "score": s, "segmentation": seg})
        for _ in range(int(rng.integers(0, 3))):  # false positives: random blobs
            m = np.zeros((h, w), np.uint8)
            y0, x0 = int(rng.integers(0, h - 5)), int(rng.integers(0, w - 5))
            m[y0:y0 + int(rng.integers(3, 30)), x0:x0 + int(rng.integers(3, 30))] = 1
            enc = mu.encode(np.asfortranarray(m))
            s = r2(rng.random() * 0.5)
            seg = {"size": [h, w], "counts": enc["counts"].decode("ascii")}
            c = int(rng.choice(cats))
            dets.append({"image_id": img_id, "category_id": c, "bbox": [float(v) for v in mu.toBbox(enc)],
                         "score": s, "segmentation": seg})
            dets_nobox.append({"image_id": img_id, "category_id": c, "score": s, "segmentation": seg})
    gt = {"images": images, "annotations": anns,
          "categories": [{"id": c, "name": "shape%d" % c, "supercategory": "x"} for c in cats]}
    return gt, dets, dets_nobox


def evaluate(gt_file, res_file, iou_type):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_file)
        dt = gt.loadRes(res_file)
        e = COCOeval(gt, dt, iou_type)
        e.evaluate()
        e.accumulate()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        e.summarize()
    p = e.eval["precision"]
    per_cat = []
    for k in range(p.shape[2]):
        s = p[:, :, k, 0, -1]
        s = s[s > -1]
        per_cat.append(float(np.mean(s)) if s.size else None)
    return {"stats": [float(v) for v in e.stats], "summary": out.getvalue(),
            "recall": e.eval["recall"].flatten().tolist(),
            "precisionAllAreas100": p[:, :, :, 0, -1].flatten().tolist(), "perCategoryAp": per_cat}


def dump(obj, name):
    with open(name, "w") as f:
        json.dump(obj, f)


gt, dets = box_case()
dump(gt, "boxes_gt.json")
dump(dets, "boxes_results.json")
mgt, mdets, mdets_nobox = mask_case()
dump(mgt, "masks_gt.json")
dump(mdets, "masks_results.json")
dump(mdets_nobox, "masks_results_nobox.json")
ref = {"source": "pycocotools 2.0.11, numpy %s, make_eval_reference.py" % np.__version__,
       "boxes": evaluate("boxes_gt.json", "boxes_results.json", "bbox"),
       "masks_segm": evaluate("masks_gt.json", "masks_results.json", "segm"),
       "masks_bbox": evaluate("masks_gt.json", "masks_results.json", "bbox"),
       "masks_nobox_segm": evaluate("masks_gt.json", "masks_results_nobox.json", "segm")}
dump(ref, "reference.json")
print("boxes: %d gt, %d dets; masks: %d gt, %d dets" % (len(gt["annotations"]), len(dets), len(mgt["annotations"]),
                                                         len(mdets)))
for k, v in ref.items():
    if k != "source":
        print(k, ["%.4f" % s for s in v["stats"]])
