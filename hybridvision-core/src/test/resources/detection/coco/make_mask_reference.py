"""Reference values for the Java RLE / polygon / mask-IoU tests (RleReferenceTest), made ONCE with pycocotools.

Run from this folder:   /tmp/t213/bin/python make_mask_reference.py
Writes mask_reference.json next to this script. The Java tests read it; they never run Python.

Contents (every input is stored explicitly, so the Java side needs no random generator of ours):
- "masks": small binary masks (rows of '0'/'1'), with pycocotools' encode() counts, compressed string, area, toBbox
- "pairs": mask IoU of pairs of those masks, with iscrowd 0 and 1, and their merge (union / intersection) strings
- "polygons": polygon outlines (possibly several per object, possibly outside the image), with the string of
  merge(frPyObjects(outlines, h, w)) and its area and box, as COCO.annToRLE makes it
- "boxes": boxes rasterised with frPyObjects([box], h, w) (the mask of a box-only detection in a segm evaluation)
- "strings": counts lists and their compressed strings, including counts large enough to need several characters
"""
import json

import numpy as np
import pycocotools.mask as mu

rng = np.random.default_rng(20261202)


def rows(m):
    return ["".join("1" if v else "0" for v in r) for r in m]


def blob(h, w):
    """A random mask with some structure: union of a few random ellipses, plus noise pixels."""
    yy, xx = np.mgrid[0:h, 0:w]
    m = np.zeros((h, w), bool)
    for _ in range(rng.integers(0, 4)):
        cy, cx = rng.uniform(-2, h + 2), rng.uniform(-2, w + 2)
        ry, rx = rng.uniform(0.5, max(1.0, h / 2)), rng.uniform(0.5, max(1.0, w / 2))
        m |= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
    noise = rng.random((h, w)) < rng.choice([0.0, 0.02, 0.3])
    return m ^ noise


masks = []
shapes = [(24, 31), (24, 31), (24, 31), (24, 31), (24, 31), (24, 31), (24, 31), (24, 31), (1, 1), (1, 7), (9, 1),
          (5, 5), (13, 17), (13, 17), (13, 17), (13, 17)]
raw = []
for h, w in shapes:
    m = blob(h, w)
    raw.append(m)
# special cases: empty, full, first pixel only, last pixel only, a run wrapping from one column into the next
special = [np.zeros((6, 8), bool), np.ones((6, 8), bool)]
first = np.zeros((6, 8), bool); first[0, 0] = True; special.append(first)
last = np.zeros((6, 8), bool); last[5, 7] = True; special.append(last)
wrap = np.zeros((6, 8), bool); wrap[4:, 2] = True; wrap[:2, 3] = True; special.append(wrap)
raw += special
for m in raw:
    f = np.asfortranarray(m.astype(np.uint8))
    r = mu.encode(f)
    s = r["counts"].decode("ascii")
    back = mu.decode(r)
    assert (back == f).all()
    masks.append({
        "height": int(m.shape[0]), "width": int(m.shape[1]), "rows": rows(m),
        "string": s, "area": int(mu.area(r)), "bbox": [float(v) for v in mu.toBbox(r)],
    })

pairs = []
same = [i for i, m in enumerate(masks) if (m["height"], m["width"]) == (24, 31)]
same2 = [i for i, m in enumerate(masks) if (m["height"], m["width"]) == (13, 17)]
same3 = [i for i, m in enumerate(masks) if (m["height"], m["width"]) == (6, 8)]
for group in (same, same2, same3):
    for a in group:
        for b in group:
            ra = {"size": [masks[a]["height"], masks[a]["width"]], "counts": masks[a]["string"]}
            rb = {"size": [masks[b]["height"], masks[b]["width"]], "counts": masks[b]["string"]}
            iou0 = float(mu.iou([ra], [rb], [0])[0, 0])
            iou1 = float(mu.iou([ra], [rb], [1])[0, 0])
            union = mu.merge([ra, rb], intersect=False)["counts"].decode("ascii")
            inter = mu.merge([ra, rb], intersect=True)["counts"].decode("ascii")
            pairs.append({"detection": a, "groundTruth": b, "iou": iou0, "iouCrowd": iou1,
                          "union": union, "intersection": inter})


def poly(cx, cy, r, n):
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r * rng.uniform(0.4, 1.0, n)
    return [float(v) for p in zip(cx + rad * np.cos(ang), cy + rad * np.sin(ang)) for v in p]


polygons = []
H, W = 60, 80
for k in range(60):
    n_rings = int(rng.integers(1, 4))
    rings = []
    for _ in range(n_rings):
        cx, cy = rng.uniform(-10, W + 10), rng.uniform(-10, H + 10)
        r = rng.uniform(0.3, 30)
        ring = poly(cx, cy, r, int(rng.integers(3, 12)))
        if k % 5 == 0:  # coordinates on the 1/10 and 1/2 grid, where COCO's rounding is delicate
            ring = [round(v * 2) / 2 if k % 10 == 0 else round(v, 1) for v in ring]
        rings.append(ring)
    polygons.append({"rings": rings})
# hand-made outlines: a square on pixel edges, a square on pixel centres, a concave L, a self-intersecting bow tie,
# a repeated vertex (zero-length edge), a closed ring (last point = first point), a sliver, wholly outside
polygons += [
    {"rings": [[10, 10, 20, 10, 20, 20, 10, 20]]},
    {"rings": [[10.5, 10.5, 19.5, 10.5, 19.5, 19.5, 10.5, 19.5]]},
    {"rings": [[5, 5, 30, 5, 30, 12, 12, 12, 12, 40, 5, 40]]},
    {"rings": [[2, 2, 40, 30, 40, 2, 2, 30]]},
    {"rings": [[3, 3, 3, 3, 25, 4, 25, 4, 14, 22]]},
    {"rings": [[3, 30, 50, 31, 20, 55, 3, 30]]},
    {"rings": [[0, 0, 79.9, 0.2, 0, 0.4]]},
    {"rings": [[-30, -30, -5, -30, -5, -5]]},
    {"rings": [[-5, -5, 85, -5, 85, 65, -5, 65]]},
    {"rings": [[0.1, 0.1, 0.3, 0.1, 0.2, 0.3]]},
]
for p in polygons:
    rles = mu.frPyObjects(p["rings"], H, W)
    rle = mu.merge(rles)
    p["string"] = rle["counts"].decode("ascii")
    p["area"] = int(mu.area(rle))
    p["bbox"] = [float(v) for v in mu.toBbox(rle)]

boxes = []
for k in range(30):
    x, y = rng.uniform(-10, W), rng.uniform(-10, H)
    w, h = rng.uniform(0, 40), rng.uniform(0, 40)
    if k % 3 == 0:
        x, y, w, h = round(x), round(y), round(w), round(h)
    b = [float(x), float(y), float(w), float(h)]
    rle = mu.frPyObjects(np.array([b], dtype=np.float64), H, W)[0]
    boxes.append({"bbox": b, "string": rle["counts"].decode("ascii"), "area": int(mu.area(rle))})

strings = []
for counts in ([0, 4800], [4800], [1, 2, 3, 4, 4790], [100000, 3, 5, 2000000, 7, 1],
               [3, 17, 40, 1, 1, 1, 63, 64, 31, 32, 15, 16, 4000000]):
    total = sum(counts)
    rle = mu.frPyObjects({"size": [1, total], "counts": counts}, 1, total)
    strings.append({"height": 1, "width": total, "counts": counts, "string": rle["counts"].decode("ascii")})

out = {"source": "pycocotools 2.0.11 (numpy %s), made by make_mask_reference.py" % np.__version__,
       "masks": masks, "pairs": pairs, "polygonImage": [H, W], "polygons": polygons, "boxes": boxes,
       "strings": strings}
with open("mask_reference.json", "w") as f:
    json.dump(out, f, indent=0)
print("masks %d, pairs %d, polygons %d, boxes %d, strings %d" % (len(masks), len(pairs), len(polygons), len(boxes),
                                                                  len(strings)))
