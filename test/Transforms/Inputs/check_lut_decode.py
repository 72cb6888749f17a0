#!/usr/bin/python3
"""Checks mil-materialize-constexpr against an independent decoder.

    check_lut_decode.py PALETTIZED.mlir MATERIALIZED.mlir

Both files are printed with --mlir-print-elementsattrs-with-hex-if-larger=0,
and the materialized one with max-dense-elements=0, so every LUT is a hex
dense attribute and every index set and decoded value a dense_resource blob.
For each per-tensor mil.constexpr_lut_to_dense in PALETTIZED, this decodes
the packed indices with Core ML's rule (bit j of index i is bit
(n*i + j) % 8 of byte (n*i + j) / 8), looks each index up in the LUT, and
compares the bytes with the mil.const of the same name in MATERIALIZED.
It also checks the LUT's used entries ascend and its other entries are 0.
Prints one line per constant, then a count; exits 1 on any mismatch.
"""

import re
import sys

import numpy as np

WIDTH = {"f16": 2, "bf16": 2, "f32": 4}

LUT_OP = re.compile(
    r'mil\.constexpr_lut_to_dense "(?P<name>[^"]+)" '
    r'lut\(dense<"0x(?P<lut>[0-9A-F]+)"> : tensor<(?P<entries>\d+)x(?P<type>\w+)>\) '
    r'indices\(dense_resource<(?P<key>[^>]+)> : tensor<(?P<bytes>\d+)xui8>\) '
    r': tensor<(?P<shape>[0-9x]+)x(?P=type)>')
CONST_OP = re.compile(
    r'mil\.const "(?P<name>[^"]+)" dense_resource<(?P<key>[^>]+)> : tensor<')
BLOB = re.compile(r'^\s*"?(?P<key>[^":\s]+)"?: "0x(?P<hex>[0-9A-F]*)"', re.M)


def blobs(text):
    """Resource blobs by key, without their 4-byte alignment prefix."""
    return {m["key"]: bytes.fromhex(m["hex"])[4:] for m in BLOB.finditer(text)}


def value(raw, type_name):
    """The number stored in `raw`, for ordering (bf16 is f32's top half)."""
    import struct
    if type_name == "f32":
        return struct.unpack("<f", raw)[0]
    if type_name == "f16":
        return struct.unpack("<e", raw)[0]
    return struct.unpack("<f", b"\0\0" + raw)[0]


def main():
    palettized = open(sys.argv[1]).read()
    materialized = open(sys.argv[2]).read()
    index_blobs, value_blobs = blobs(palettized), blobs(materialized)
    decoded_keys = {m["name"]: m["key"] for m in CONST_OP.finditer(materialized)}
    failures = 0
    ops = list(LUT_OP.finditer(palettized))
    if not ops:
        print("no mil.constexpr_lut_to_dense found")
        return 1
    for op in ops:
        name, type_name = op["name"], op["type"]
        width = WIDTH[type_name]
        lut = bytes.fromhex(op["lut"])
        entries = int(op["entries"])
        nbits = entries.bit_length() - 1
        count = 1
        for dim in op["shape"].split("x"):
            count *= int(dim)
        packed = np.frombuffer(index_blobs[op["key"]], dtype=np.uint8)
        # Bit j of index i is bit (n*i + j) % 8 of byte (n*i + j) / 8.
        bits = np.unpackbits(packed, bitorder="little")[:count * nbits]
        indices = bits.reshape(count, nbits).astype(np.int64) @ (
            1 << np.arange(nbits, dtype=np.int64))
        used = int(indices.max()) + 1 if count else 0
        table = np.frombuffer(lut, dtype=np.dtype(f"<u{width}"))
        expected = table[indices].tobytes()
        actual = value_blobs.get(decoded_keys.get(name, ""), b"")
        values = [value(lut[e * width:(e + 1) * width], type_name)
                  for e in range(entries)]
        ascending = all(values[e] <= values[e + 1] for e in range(used - 1))
        zero_padded = all(v == 0 for v in values[used:])
        ok = actual == bytes(expected) and ascending and zero_padded
        failures += not ok
        print(f"{name}: {count} x {type_name}, {nbits} bits: "
              f"{'ok' if ok else 'MISMATCH'}"
              f"{'' if ascending else ' (LUT not ascending)'}"
              f"{'' if zero_padded else ' (unused entries not 0)'}")
    print(f"{len(ops) - failures} of {len(ops)} constants decode as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
