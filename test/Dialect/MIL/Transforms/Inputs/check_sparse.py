#!/usr/bin/python3
"""Checks the sparse form of pruned weights against their non-zeros alone.

    check_sparse.py ARRAYS.npz DECODED.mlir REPORT.json PRUNED=KEPT[:V] ...

ARRAYS.npz holds the weights (make_pruned.py), DECODED.mlir the pass's
output through mil-materialize-constexpr="max-dense-elements=0" printed
with hex attributes, REPORT.json the pass's report. For each PRUNED=KEPT
pair (KEPT: the non-zero points of PRUNED alone, palettized densely with
the same settings; V > 1: vectors of V along axis 0), checks that

* every zero point of PRUNED (all V values +-0) decodes to +0.0, bit 0;
* the non-zero points decode, bit for bit, to what KEPT decodes to;
* the report's squared error of PRUNED (mse x elements) is KEPT's;

and prints one line per constant with its report figures: whether it is
sparse, its points, those stored and its bytes after. Exits 1 on a failure.
"""
import json
import re
import sys

import numpy as np

CONST = re.compile(r'mil\.const "(?P<name>[^"]+)" dense_resource<(?P<key>[^>]+)>'
                   r' : tensor<(?P<shape>[0-9x]+)xf16>')
BLOB = re.compile(r'^\s*"?(?P<key>[^":\s]+)"?: "0x(?P<hex>[0-9A-F]*)"', re.M)


def decoded_constants(text):
    blobs = {m["key"]: bytes.fromhex(m["hex"])[4:] for m in BLOB.finditer(text)}
    result = {}
    for m in CONST.finditer(text):
        shape = [int(d) for d in m["shape"].split("x")]
        result[m["name"]] = np.frombuffer(blobs[m["key"]],
                                          np.float16).reshape(shape)
    return result


def points(array, vector):
    """The points of `array` in grid order: [count, V] (V along axis 0)."""
    if vector == 1:
        return array.reshape(-1, 1)
    rows, cols = array.shape
    return array.reshape(rows // vector, vector, cols).transpose(0, 2, 1) \
        .reshape(-1, vector)


def main():
    arrays = np.load(sys.argv[1])
    with open(sys.argv[2]) as f:
        decoded = decoded_constants(f.read())
    with open(sys.argv[3]) as f:
        records = {r["name"]: r for r in json.load(f)["constants"]}
    failures = 0
    for spec in sys.argv[4:]:
        pair, _, vector = spec.partition(":")
        pruned, kept = pair.split("=")
        vector = int(vector or 1)
        original = points(arrays[pruned], vector)
        result = points(decoded[pruned], vector)
        zero = np.all(original.view(np.uint16) & 0x7FFF == 0, axis=1)
        problems = []
        if np.any(result[zero].view(np.uint16) != 0):
            problems.append("a zero point does not decode to +0.0")
        kept_result = decoded[kept]
        if vector > 1:
            kept_result = kept_result.T
        kept_result = kept_result.reshape(-1, vector)
        if not np.array_equal(result[~zero].view(np.uint16),
                              kept_result.view(np.uint16)):
            problems.append("the non-zeros differ from the kept values' "
                            "palettization")
        record, kept_record = records[pruned], records[kept]
        sse = record["mse"] * record["elements"]
        kept_sse = kept_record["mse"] * kept_record["elements"]
        if not np.isclose(sse, kept_sse, rtol=1e-9, atol=0):
            problems.append(f"squared error {sse!r} != {kept_sse!r}")
        status = "ok" if not problems else "FAILED: " + "; ".join(problems)
        failures += bool(problems)
        print(f"{pruned}: sparse {str(record['sparse']).lower()}, "
              f"{len(original)} points, {record['stored_points']} stored, "
              f"{record['bytes_after']} bytes: {status}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
