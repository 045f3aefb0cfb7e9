#!/usr/bin/env python3
"""Writes small files written by NumPy itself, read back by NpyTest to check compatibility of Npy / Npz.

  npy_interop.npz        np.savez (stored entries) with one array per supported dtype, incl. 0-d and 1-d shapes
  npy_interop_c.npz      np.savez_compressed (deflated entries), same arrays
  npy_bigendian_f4.npy   np.save of a big-endian float32 [2, 3] array

Environment: Debian bookworm python3-numpy 1.24.2.  Run: /usr/bin/python3 make_npy_interop.py
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ARRAYS = {
    "f4": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8,
    "f8": np.array([1.5, -2.25, 1e300], dtype=np.float64),
    "i8": np.array([[-(2 ** 40), 7]], dtype=np.int64),
    "i4": np.array([-5, 0, 2 ** 31 - 1], dtype=np.int32),
    "u1": np.array([[0, 1], [128, 255]], dtype=np.uint8),
    "b1": np.array([True, False, True]),
    "scalar": np.array(3.25, dtype=np.float32),
    "empty": np.zeros((0, 4), dtype=np.float32),
}
np.savez(os.path.join(HERE, "npy_interop.npz"), **ARRAYS)
np.savez_compressed(os.path.join(HERE, "npy_interop_c.npz"), **ARRAYS)
np.save(os.path.join(HERE, "npy_bigendian_f4.npy"), np.arange(6, dtype=">f4").reshape(2, 3) - 2.5)
print("ok")
