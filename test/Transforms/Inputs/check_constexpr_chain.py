#!/usr/bin/python3
"""Checks mil-materialize-constexpr on chains of constexpr ops.

    check_constexpr_chain.py PALETTIZED.mlir MATERIALIZED.mlir

Both files are printed with --mlir-print-elementsattrs-with-hex-if-larger=0,
and the materialized one with max-dense-elements=0. This evaluates, with
numpy and independently of the project's C++ code, every op that
palettize-weights emits: mil.const (8-bit LUTs), mil.constexpr_lut_to_dense
with an attribute or operand LUT (per-tensor, grouped and vector forms,
Core ML's LSB-first packing) and mil.constexpr_blockwise_shift_scale
(scale * (data - offset) per block, in f32, rounded once to the result
type). Every result whose name also names a mil.const of MATERIALIZED must
have the same bytes. Prints one line per compared constant, then a count;
exits 1 on any mismatch.
"""

import re
import sys

import numpy as np

DTYPE = {"f16": np.float16, "f32": np.float32, "i8": np.int8,
         "ui8": np.uint8}
TENSOR = r"tensor<(?P<{0}shape>[0-9x]+)x(?P<{0}type>\w+)>"


def dense_re(name):
    """A dense attribute and its type, as groups NAME, NAME_shape, NAME_type."""
    return (rf"dense<(?P<{name}>[^>]+)> : " + TENSOR.format(name + "_"))


CONST = re.compile(r'%(?P<result>[\w.]+) = mil\.const "(?P<name>[^"]+)" '
                   + dense_re("value"))
SHIFT = re.compile(
    r'%(?P<result>[\w.]+) = mil\.constexpr_blockwise_shift_scale '
    r'"(?P<name>[^"]+)" %(?P<data>[\w.]+) '
    r'scale\(' + dense_re("scale") + r'\)'
    r'(?: offset\(' + dense_re("offset") + r'\))?'
    r' : ' + TENSOR.format("data_") + ' -> ' + TENSOR.format(""))
LUT = re.compile(
    r'%(?P<result>[\w.]+) = mil\.constexpr_lut_to_dense "(?P<name>[^"]+)" '
    r'lut\((?:%(?P<operand>[\w.]+) : [^)]+|'
    + dense_re("lut") + r')\) '
    r'indices\(dense_resource<(?P<key>[^>]+)> : tensor<\d+xui8>\)'
    r'(?: vector_axis\((?P<axis>\d+)\))? : ' + TENSOR.format(""))
DECODED = re.compile(
    r'mil\.const "(?P<name>[^"]+)" dense_resource<(?P<key>[^>]+)> : tensor<')
BLOB = re.compile(r'^\s*"?(?P<key>[^":\s]+)"?: "0x(?P<hex>[0-9A-F]*)"', re.M)


def shape_of(text):
    return tuple(int(d) for d in text.split("x"))


def dense(payload, shape, type_name):
    """A dense attribute's value: hex bytes, or one splat number."""
    dtype = DTYPE[type_name]
    if payload.startswith('"0x'):
        raw = bytes.fromhex(payload[3:-1])
        return np.frombuffer(raw, dtype=dtype).reshape(shape)
    return np.full(shape, float(payload) if "." in payload or "e" in payload
                   else int(payload), dtype=dtype)


def blocks(values, shape):
    """Repeats per-block values to `shape` (each dim a multiple)."""
    for axis, size in enumerate(shape):
        values = np.repeat(values, size // values.shape[axis], axis=axis)
    return values


def decode_lut(lut, packed, shape, axis):
    """Core ML's LUT decoding for the rank-1 and the rank R+2 LUT forms."""
    rank = len(shape)
    if lut.ndim == 1:
        lut = lut.reshape((1,) * rank + (lut.shape[0], 1))
    groups, palette, vector = lut.shape[:rank], lut.shape[rank], lut.shape[-1]
    nbits = palette.bit_length() - 1
    grid = list(shape)
    if vector > 1:
        grid[axis] //= vector
    count = int(np.prod(grid))
    bits = np.unpackbits(packed, bitorder="little")[:count * nbits]
    indices = (bits.reshape(count, nbits).astype(np.int64)
               @ (1 << np.arange(nbits, dtype=np.int64))).reshape(grid)
    position = np.indices(grid)
    group = tuple(position[d] // (grid[d] // groups[d]) for d in range(rank))
    rows = lut[group + (indices,)]          # grid + (vector,)
    if vector == 1:
        return rows[..., 0]
    # Row values lie along `axis`: move the vector next to it and merge.
    rows = np.moveaxis(rows, -1, axis + 1)
    return rows.reshape(shape)


def main():
    palettized = open(sys.argv[1]).read()
    materialized = open(sys.argv[2]).read()
    index_blobs = {m["key"]: bytes.fromhex(m["hex"])[4:]
                   for m in BLOB.finditer(palettized)}
    value_blobs = {m["key"]: bytes.fromhex(m["hex"])[4:]
                   for m in BLOB.finditer(materialized)}
    decoded_keys = {m["name"]: m["key"] for m in DECODED.finditer(materialized)}

    values, names = {}, []
    for line in palettized.splitlines():
        if m := CONST.search(line):
            values[m["result"]] = dense(m["value"], shape_of(m["value_shape"]),
                                        m["value_type"])
        elif m := SHIFT.search(line):
            data = values[m["data"]]
            shape = shape_of(m["shape"])
            scale = dense(m["scale"], shape_of(m["scale_shape"]),
                          m["scale_type"]).astype(np.float32)
            shifted = data.astype(np.float32)
            if m["offset"]:
                offset = dense(m["offset"], shape_of(m["offset_shape"]),
                               m["offset_type"]).astype(np.float32)
                shifted = shifted - blocks(offset, shape)
            values[m["result"]] = (blocks(scale, shape) * shifted).astype(
                DTYPE[m["type"]])
            names.append((m["name"], m["result"]))
        elif m := LUT.search(line):
            if m["operand"]:
                lut = values[m["operand"]]
            else:
                lut = dense(m["lut"], shape_of(m["lut_shape"]), m["lut_type"])
            packed = np.frombuffer(index_blobs[m["key"]], dtype=np.uint8)
            axis = int(m["axis"]) if m["axis"] else 0
            values[m["result"]] = decode_lut(lut, packed, shape_of(m["shape"]),
                                             axis).astype(DTYPE[m["type"]])
            names.append((m["name"], m["result"]))

    compared = failures = 0
    for name, result in names:
        if name not in decoded_keys:
            continue  # an intermediate value, not a final constant
        expected = values[result]
        actual = value_blobs.get(decoded_keys[name], b"")
        ok = actual == expected.tobytes()
        compared += 1
        failures += not ok
        print(f"{name}: {expected.size} x {expected.dtype}: "
              f"{'ok' if ok else 'MISMATCH'}")
    print(f"{compared - failures} of {compared} constants decode as expected")
    return 1 if failures or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
