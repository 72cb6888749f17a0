#!/usr/bin/python3
"""Checks palettize-weights' JSON report against an independent computation.

    check_report.py ORIGINAL PALETTIZED REPORT [--importance FILE]

ORIGINAL and PALETTIZED are printed as check_palettized.py takes them
(hex attributes; ORIGINAL with debug info). For every constant the report
says was palettized, this evaluates PALETTIZED's chain of that name with
check_palettized.py's numpy evaluator and recomputes, in float64:

* mse, max_abs_error and snr_db against ORIGINAL's values (snr_db null when
  the evaluation is exact);
* bytes_before (elements x the type's bytes) and bytes_after: the bytes the
  chain stores, summed over its ops (indices blob, LUT attribute or
  quantized LUT constant, scales and zero points);
* nbits and luts from the LUT op's table;

and the totals: bytes, ratio, bits per weight (8 x bytes after / elements)
and the parameter-weighted relative error sum n * SSE / ||W||^2 / sum n
with its SNR. Floating-point figures must agree to 1e-9 relative.

With --importance (the run's safetensors file), a kmeans constant whose
name has a tensor there that is not all zero must say so (`importance`),
and its figures are weighted: SSE and ||W||^2 sum imp * e^2 and imp * x^2,
the MSE is SSE / sum imp (the max error stays unweighted); every other
record must have a null `importance`.

Prints one line per constant and a count; exits 1 on any mismatch or when
nothing was checked.
"""

import json
import math
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_palettized as cp  # noqa: E402

BYTES = {"f32": 4, "f16": 2, "bf16": 2, "i8": 1, "ui8": 1}
DENSE_ATTR = re.compile(r"dense<(?:[^>]*)> : tensor<(?P<shape>[0-9x]+)x"
                        r"(?P<type>\w+)>")
OPERAND = re.compile(r"^\s*%(?P<result>[\w.]+) = (?P<op>mil\.\w+)(?P<rest>.*)$")


def stored_bytes(palettized):
    """Bytes each op's own stored data takes, and its operands, by SSA name."""
    blobs = cp.read_blobs(palettized)
    own, operands = {}, {}
    for line in palettized.splitlines():
        m = OPERAND.match(line)
        if not m:
            continue
        rest = m["rest"]
        size = 0
        for attr in DENSE_ATTR.finditer(rest):
            size += math.prod(cp.shape_of(attr["shape"])) * BYTES[attr["type"]]
        for key in re.findall(r"dense_resource<([^>]+)>", rest):
            size += len(blobs[key])
        # The result type of a mil.const is its value's; do not count it.
        own[m["result"]] = size
        operands[m["result"]] = re.findall(r"%([\w.]+)", rest)
    return own, operands


def chain_bytes(result, own, operands):
    return own[result] + sum(chain_bytes(o, own, operands)
                             for o in operands[result] if o in own)


def close(actual, expected):
    if actual is None or expected is None:
        return actual is None and expected is None
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-300)


def main():
    original_path, palettized_path, report_path = sys.argv[1:4]
    importance = {}
    if len(sys.argv) > 5 and sys.argv[4] == "--importance":
        import safetensors_io  # noqa: E402
        importance = safetensors_io.read(sys.argv[5])
    original = cp.original_constants(open(original_path).read())
    palettized = open(palettized_path).read()
    report = json.load(open(report_path))
    values, types, luts, shifts, named = cp.parse_chains(palettized)
    final = dict(named)
    own, operands = stored_bytes(palettized)

    checked = failures = 0
    elements = before_sum = after_sum = 0
    weighted = 0.0
    for record in report["constants"]:
        if not record["palettized"]:
            continue
        name = record["name"]
        problems = []
        x, type_name = original[name]
        result = final[name]
        decoded = values[result]
        difference = x - decoded
        weights = importance.get(name)
        weighted_by = None
        if (weights is not None and record["mode"] == "kmeans"
                and np.any(weights != 0)):
            weighted_by = name
        if record.get("importance") != weighted_by:
            problems.append(f"importance {record.get('importance')} != "
                            f"{weighted_by}")
        if weighted_by is None:
            weights = np.ones_like(x)
        sse = float(np.sum(weights * difference * difference))
        signal = float(np.sum(weights * x * x))
        n = x.size
        expected = {
            "elements": n,
            "bytes_before": n * BYTES[type_name],
            "bytes_after": chain_bytes(result, own, operands),
            "mse": sse / float(np.sum(weights)),
            "max_abs_error": float(np.max(np.abs(difference))),
            "snr_db": None if sse == 0 else 10 * math.log10(signal / sse),
        }
        lut_result = shifts[result]["data"] if result in shifts else result
        lut = luts[lut_result]
        expected["nbits"] = lut.nbits
        expected["luts"] = int(np.prod(lut.groups))
        for key, value in expected.items():
            if isinstance(value, int) and record[key] != value:
                problems.append(f"{key} {record[key]} != {value}")
            elif not isinstance(value, int) and not close(record[key], value):
                problems.append(f"{key} {record[key]} != {value}")
        elements += n
        before_sum += expected["bytes_before"]
        after_sum += expected["bytes_after"]
        weighted += n * (0.0 if sse == 0 else sse / signal)
        checked += 1
        failures += bool(problems)
        print(f"{name}: {'ok' if not problems else 'FAILED: ' + '; '.join(problems)}")

    totals = report["totals"]
    problems = []
    relative = weighted / elements if elements else 0.0
    expected = {
        "palettized": checked,
        "elements": elements,
        "bytes_before": before_sum,
        "bytes_after": after_sum,
        "ratio": before_sum / after_sum if after_sum else None,
        "bits_per_weight": 8 * after_sum / elements if elements else 0.0,
        "weighted_relative_error": relative,
        "weighted_snr_db": None if relative == 0 else -10 * math.log10(relative),
    }
    for key, value in expected.items():
        if isinstance(value, int) and totals[key] != value:
            problems.append(f"{key} {totals[key]} != {value}")
        elif not isinstance(value, int) and not close(totals[key], value):
            problems.append(f"{key} {totals[key]} != {value}")
    if totals["constants"] != len(report["constants"]):
        problems.append("constants differs from the records")
    failures += bool(problems)
    print(f"totals: {'ok' if not problems else 'FAILED: ' + '; '.join(problems)}")
    print(f"{checked - failures} of {checked} constants match the report")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
