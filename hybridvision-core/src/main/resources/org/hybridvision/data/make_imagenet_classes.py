#!/usr/bin/env python3
"""Regenerates imagenet_classes.tsv (ImageNet-1k / ILSVRC-2012 class names, standard index order).

Sources (all Debian bookworm packages, fetched without installing them):
  * opencv-doc          usr/share/doc/opencv-doc/examples/data/dnn/classification_classes_ILSVRC2012.txt
                        -> 1000 synset strings ("tench, Tinca tinca"), in index order
  * python3-torchvision usr/lib/python3/dist-packages/torchvision/models/_meta.py
                        -> _IMAGENET_CATEGORIES: 1000 unique short names ("crane bird"), in index order
  * darknet             usr/share/darknet/data/imagenet.labels.list (+ imagenet.shortnames.list, same line order)
                        -> the first 1000 wnids, sorted, are the ILSVRC-2012 index order

The script cross-checks the three sources index by index and refuses to write the table if they disagree:
  * torchvision's short name must equal the first synonym of the OpenCV synset, except for the few names torchvision
    disambiguated (checked to start with / contain that synonym's words, listed on stderr);
  * darknet's short name for the wnid must equal one of the OpenCV synonyms.

Usage:
  python3 make_imagenet_classes.py                 # apt-get download the three .debs into a temp dir (needs apt)
  python3 make_imagenet_classes.py --root DIR      # DIR holds the three packages already extracted (dpkg-deb -x)
  [--out imagenet_classes.tsv]                     # default: next to this script
"""
import argparse
import ast
import glob
import os
import subprocess
import sys
import tempfile

PACKAGES = ["opencv-doc", "python3-torchvision", "darknet"]
OPENCV = "usr/share/doc/opencv-doc/examples/data/dnn/classification_classes_ILSVRC2012.txt"
TORCHVISION = "usr/lib/python3/dist-packages/torchvision/models/_meta.py"
DARKNET_WNIDS = "usr/share/darknet/data/imagenet.labels.list"
DARKNET_NAMES = "usr/share/darknet/data/imagenet.shortnames.list"


def fetch(root):
    for pkg in PACKAGES:
        subprocess.run(["apt-get", "download", pkg], cwd=root, check=True)
    for deb in glob.glob(os.path.join(root, "*.deb")):
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def torchvision_names(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_IMAGENET_CATEGORIES" for t in node.targets):
            return ast.literal_eval(node.value)
    sys.exit("no _IMAGENET_CATEGORIES in " + path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "imagenet_classes.tsv"))
    args = ap.parse_args()
    root = args.root
    if root is None:
        root = tempfile.mkdtemp(prefix="imagenet-classes-")
        fetch(root)

    synsets = read_lines(os.path.join(root, OPENCV))
    short = torchvision_names(os.path.join(root, TORCHVISION))
    dk_wnids = read_lines(os.path.join(root, DARKNET_WNIDS))
    dk_names = read_lines(os.path.join(root, DARKNET_NAMES))
    dk_name_of = dict(zip(dk_wnids, dk_names))
    wnids = sorted(dk_wnids[:1000])

    assert len(synsets) == 1000, len(synsets)
    assert len(short) == 1000 and len(set(short)) == 1000, "torchvision names not 1000 unique"
    assert len(set(wnids)) == 1000 and all(w.startswith("n") and len(w) == 9 for w in wnids)
    assert wnids[0] == "n01440764" and wnids[-1] == "n15075141", (wnids[0], wnids[-1])

    renamed = []
    for i in range(1000):
        synonyms = [s.strip() for s in synsets[i].split(",")]
        if short[i] != synonyms[0]:
            # torchvision disambiguates duplicates ("crane" -> "crane bird"); demand shared words
            if not set(synonyms[0].lower().split()) & set(short[i].lower().split()):
                sys.exit(f"index {i}: torchvision {short[i]!r} vs opencv {synsets[i]!r}")
            renamed.append(f"{i}: {synonyms[0]!r} -> {short[i]!r}")
        if dk_name_of[wnids[i]] not in synonyms:
            sys.exit(f"index {i}: darknet {wnids[i]} {dk_name_of[wnids[i]]!r} not in opencv {synsets[i]!r}")
    print(f"{len(renamed)} names disambiguated by torchvision:", *renamed, sep="\n  ", file=sys.stderr)

    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# ImageNet-1k (ILSVRC-2012) classes in standard index order. Columns: index, wnid, short name, synset.\n")
        f.write("# wnid: darknet imagenet.labels.list (first 1000, sorted); short name: torchvision _IMAGENET_CATEGORIES;\n")
        f.write("# synset: opencv-doc classification_classes_ILSVRC2012.txt. All three cross-checked index by index.\n")
        f.write("# Regenerate: python3 make_imagenet_classes.py (fetches the Debian packages opencv-doc,\n")
        f.write("# python3-torchvision, darknet with apt-get download; see the script's docstring).\n")
        for i in range(1000):
            f.write(f"{i}\t{wnids[i]}\t{short[i]}\t{synsets[i]}\n")
    print("wrote", args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
