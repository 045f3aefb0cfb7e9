"""Generates the small torch.save fixtures used by org.hybridvision.checkpoint tests.

Run from the repository root (needs torch, numpy and safetensors; Python is never a test dependency):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch numpy safetensors
    /tmp/venv/bin/python src/test/resources/checkpoint/make_fixtures.py

It rewrites every fixture in src/test/resources/checkpoint/. The expected values are stored as
*_expected.safetensors written by the Python `safetensors` package (contiguous copies; bfloat16 tensors are
stored widened to float32), so the Java tests compare bit-exactly against what torch itself holds. The Java tests
additionally check several tensors against closed-form formulas (torch.arange), independently of those files.
"""
import argparse
import collections
import os
import pickle

import numpy as np
import torch
from safetensors.torch import save_file

OUT = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(OUT, name)


def views_dict():
    """Tensors covering dtypes, 0-dim, and non-trivial views (transposed, offset, shared, expanded)."""
    d = collections.OrderedDict()
    d["f32"] = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) * 0.5 - 3.0
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    d["transposed"] = base.t()  # shape (4, 3), stride (1, 4)
    big = torch.arange(30, dtype=torch.float32).reshape(5, 6)
    d["sliced"] = big[1:3, 2:]  # shape (2, 4), offset 8, stride (6, 1)
    d["offset_flat"] = torch.arange(20, dtype=torch.float32)[5:11]  # offset 5, contiguous
    shared = torch.arange(10, dtype=torch.float32) * 10.0
    d["shared_full"] = shared
    d["shared_view"] = shared[2:8].view(2, 3)  # same storage as shared_full, offset 2
    d["shared_again"] = shared  # the very same tensor twice
    d["permuted"] = torch.arange(120, dtype=torch.float32).reshape(2, 3, 4, 5).permute(0, 2, 3, 1)
    d["expanded"] = torch.arange(3, dtype=torch.float32).reshape(3, 1).expand(3, 4)  # stride (1, 0)
    d["f16"] = (torch.arange(-8, 8, dtype=torch.float32) / 3.0).half()
    d["bf16"] = (torch.arange(-8, 8, dtype=torch.float32) / 3.0).bfloat16().reshape(4, 4).t()
    d["f64"] = torch.arange(6, dtype=torch.float64) / 7.0
    d["i64"] = torch.arange(-3, 3, dtype=torch.int64) * (10 ** 12)
    d["i32"] = torch.arange(-3, 3, dtype=torch.int32) * 100000
    d["i16"] = torch.arange(-3, 3, dtype=torch.int16) * 1000
    d["i8"] = torch.arange(-4, 4, dtype=torch.int8) * 30
    d["u8"] = torch.arange(250, 256, dtype=torch.uint8)
    d["bool"] = torch.tensor([True, False, True, True, False])
    d["scalar_f32"] = torch.tensor(3.25)
    d["scalar_i64"] = torch.tensor(7)  # like BatchNorm's num_batches_tracked
    d["empty"] = torch.zeros(0, 3)
    return d


def expected_of(d):
    """Contiguous clones for safetensors; bfloat16 widened to float32 exactly as Java does."""
    out = collections.OrderedDict()
    for k, v in d.items():
        v = v.detach()
        if v.dtype == torch.bfloat16:
            v = v.float()
        out[k] = v.contiguous().clone()
    return out


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 3, 3, bias=False)
        self.bn = torch.nn.BatchNorm2d(3)
        self.fc = torch.nn.Linear(3, 4)

    def forward(self, x):
        return self.fc(self.bn(self.conv(x)).mean((2, 3)))


def main():
    torch.manual_seed(0)
    views = views_dict()
    torch.save(views, path("views_zip.pth"))
    torch.save(views, path("views_legacy.pth"), _use_new_zipfile_serialization=False)
    save_file(expected_of(views), path("views_expected.safetensors"))

    model = Tiny()
    with torch.no_grad():
        model(torch.randn(4, 2, 5, 5))  # training-mode pass: running stats move, num_batches_tracked = 1
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 2, 5, 5)).sum().backward()  # second training-mode pass: num_batches_tracked = 2
    opt.step()
    sd = model.state_dict()
    wrapped = {
        "model": sd,
        "args": argparse.Namespace(lr=0.1, name="tiny", epochs=3),
        "epoch": 3,
        "best_acc": np.float64(0.5),  # a numpy scalar: an unknown, non-tensor class
        "optimizer": opt.state_dict(),  # has tensors, but is not the state dict
    }
    torch.save(wrapped, path("wrapped_zip.pth"))
    torch.save(wrapped, path("wrapped_legacy.pth"), _use_new_zipfile_serialization=False)
    save_file(expected_of(sd), path("wrapped_expected.safetensors"))

    dp = {"state_dict": {"module." + k: v for k, v in sd.items()}, "epoch": 7}
    torch.save(dp, path("dataparallel.pth"))

    # nn.Parameter objects (_rebuild_parameter) pickled with protocol 4 (STACK_GLOBAL, FRAME, MEMOIZE opcodes)
    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.arange(6, dtype=torch.float32).reshape(2, 3))
        lin.bias.copy_(torch.tensor([-1.0, 1.0]))
    torch.save(collections.OrderedDict(lin.named_parameters()), path("parameters_protocol4.pth"), pickle_protocol=4)
    torch.save({"ok": torch.ones(2), "c": torch.ones(2, dtype=torch.complex64)}, path("complex.pth"))

    torch.save({"epoch": 3, "note": "no tensors here"}, path("no_tensors.pth"))
    with open(path("plain.pkl"), "wb") as f:
        pickle.dump({"a": 1, "b": [1.5, "x"]}, f, protocol=2)
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), path("torchscript.pt"))

    # safetensors written by Python with the types the Java reader widens: BF16 -> F32 and I16 -> I32
    narrow = (torch.arange(-6, 6, dtype=torch.float32) / 7.0).bfloat16().reshape(3, 4)
    save_file(collections.OrderedDict([
        ("bf16", narrow),
        ("bf16_as_f32", narrow.float()),
        ("i16", torch.arange(-3, 3, dtype=torch.int16) * 1000),
        ("scalar_bf16", torch.tensor(-2.5).bfloat16()),
    ]), path("python_bf16_i16.safetensors"), metadata={"written_by": "safetensors.torch"})
    for name in os.listdir(OUT):
        os.chmod(path(name), 0o644)
    print("torch", torch.__version__, "wrote fixtures to", OUT)


if __name__ == "__main__":
    main()
