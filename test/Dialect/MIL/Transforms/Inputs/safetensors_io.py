#!/usr/bin/python3
"""Writes (and reads) safetensors files for the importance tests.

    safetensors_io.py OUT TENSOR... [--truncate BYTES]

Each TENSOR is NAME:DTYPE:DIMS:VALUES, with DTYPE one of F32, F16, BF16
(or another name, written as 4-byte elements, for the reader to reject),
DIMS like 16x32, and VALUES one of:

  random         exponential importances seeded by the name (no zeros)
  sparse         random, with every third element 0
  const=V        every element V
  list=A,B,...   the values, repeated to fill the tensor
  random,E=V     random, with flat element E set to V (nan, inf, -1, ...)

The format: an 8-byte little-endian header length, a JSON header mapping
each name to its dtype, shape and [begin, end) data offsets, the data.
--truncate drops that many bytes from the end of the file.
"""

import json
import struct
import sys
import zlib

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16}


def bf16_bytes(values):
    """Rounds float32 values to bfloat16 (nearest, ties to even) as bytes."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32).astype(
        np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16).tobytes()


def values_of(name, spec, count):
    seed = zlib.crc32(name.encode())
    rng = np.random.default_rng(seed)
    if spec == "random" or spec.startswith("random,"):
        values = rng.exponential(1.0, count)
        for change in spec.split(",")[1:]:
            element, value = change.split("=")
            values[int(element)] = float(value)
        return values
    if spec == "sparse":
        values = rng.exponential(1.0, count)
        values[::3] = 0
        return values
    if spec.startswith("const="):
        return np.full(count, float(spec[6:]))
    if spec.startswith("list="):
        items = [float(v) for v in spec[5:].split(",")]
        return np.resize(np.array(items), count)
    raise SystemExit(f"unknown values '{spec}'")


def write(path, tensors, truncate=0):
    header, data = {}, b""
    for name, dtype, shape, values in tensors:
        if dtype == "BF16":
            raw = bf16_bytes(values)
        elif dtype in DTYPES:
            raw = np.asarray(values, dtype=DTYPES[dtype]).tobytes()
        else:
            raw = np.asarray(values, dtype=np.int32).tobytes()
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    content = struct.pack("<Q", len(text)) + text + data
    if truncate:
        content = content[:-truncate]
    with open(path, "wb") as f:
        f.write(content)


def read(path):
    """The file's tensors by name, as float64 arrays of their shapes."""
    content = open(path, "rb").read()
    (length,) = struct.unpack("<Q", content[:8])
    header = json.loads(content[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = content[base + begin:base + end]
        if entry["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            values = bits.view(np.float32)
        else:
            values = np.frombuffer(raw, dtype=DTYPES[entry["dtype"]])
        tensors[name] = values.astype(np.float64).reshape(entry["shape"])
    return tensors


def main():
    args = sys.argv[1:]
    truncate = 0
    if "--truncate" in args:
        i = args.index("--truncate")
        truncate = int(args[i + 1])
        del args[i:i + 2]
    path, specs = args[0], args[1:]
    tensors = []
    for spec in specs:
        name, dtype, dims, values = spec.split(":", 3)
        shape = [int(d) for d in dims.split("x")] if dims else []
        count = int(np.prod(shape)) if shape else 1
        tensors.append((name, dtype, shape, values_of(name, values, count)))
    write(path, tensors, truncate)


if __name__ == "__main__":
    main()
