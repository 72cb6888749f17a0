#!/usr/bin/python3
"""Checks the widths nbits=auto chose, from palettize-weights' JSON report.

    check_auto.py REPORT (--min-snr DB | --bits-per-weight B)
                  [--fixed NBITS=REPORT ...] [--int8-scaled] [--vectors D]

For every constant whose width was chosen (`chosen_by`), REPORT lists what
each width of 1, 2, 3, 4, 6, 8 would give (bytes, SNR); by min_snr, widths
measured one at a time stop at the first that reaches it. This checks:

* bytes: ceil(elements * nbits / 8) index bytes plus luts * 2^nbits LUT
  entries of the element type (float LUTs of scalars); with --int8-scaled,
  int8 LUT entries plus one scale per LUT and one per channel along the
  channel axis, of the element type; with --vectors D, one index per D
  elements and D values per LUT row;
* with --fixed, that each width's figures are those of a run with that
  nbits, whose REPORT check_report.py checks against numpy;
* the chosen width's figures are the final constant's;
* --min-snr: the chosen width is the smallest whose SNR reaches DB (an
  exact reconstruction reaches any), or 8 when none does;
* --bits-per-weight: brute force over every combination of the budgeted
  constants' widths, with the other palettized constants' bytes counted:
  none within floor(B * elements) bits has a lower parameter-weighted
  relative error sum n * 10^(-SNR/10) than the choice (ties allowed), the
  choice is within the budget, and the report's allocation agrees.

Prints a line per check; exits 1 on any failure.
"""

import argparse
import itertools
import json
import math
import sys

BYTES = {"f32": 4, "f16": 2, "bf16": 2}
WIDTHS = [1, 2, 3, 4, 6, 8]


def relative_error(snr):
    return 0.0 if snr is None else 10 ** (-snr / 10)


def close(a, b, tolerance=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-300)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--min-snr", type=float)
    parser.add_argument("--bits-per-weight", type=float)
    parser.add_argument("--fixed", action="append", default=[])
    parser.add_argument("--int8-scaled", action="store_true")
    parser.add_argument("--vectors", type=int, default=1)
    args = parser.parse_args()
    report = json.load(open(args.report))
    fixed = {}
    for item in args.fixed:
        nbits, path = item.split("=", 1)
        fixed[int(nbits)] = {r["name"]: r for r in
                             json.load(open(path))["constants"]}

    problems = []
    records = [r for r in report["constants"] if r["palettized"]]
    chosen = [r for r in records if r.get("chosen_by")]
    for r in chosen:
        name = r["name"]
        widths = r["widths"]
        measured = [w["nbits"] for w in widths]
        complete = measured == WIDTHS
        stopped = (r["chosen_by"] == "min_snr" and measured and
                   measured == WIDTHS[:len(measured)] and
                   measured[-1] == r["nbits"])
        if not complete and not stopped:
            problems.append(f"{name}: widths {widths}")
            continue
        for w in widths:
            size = BYTES[r["type"]]
            if args.int8_scaled:
                channels = r["shape"][r["channel_axis"]]
                expected = (math.ceil(r["elements"] * w["nbits"] / 8) +
                            r["luts"] * (2 ** w["nbits"] + size) +
                            channels * size)
            else:
                d = args.vectors
                expected = (math.ceil(r["elements"] // d * w["nbits"] / 8) +
                            r["luts"] * 2 ** w["nbits"] * d * size)
            if w["bytes"] != expected:
                problems.append(f"{name}: {w['nbits']} bits take "
                                f"{w['bytes']} bytes, expected {expected}")
            other = fixed.get(w["nbits"], {}).get(name)
            if other is not None and (
                    other["bytes_after"] != w["bytes"] or
                    not close(other["snr_db"], w["snr_db"])):
                problems.append(f"{name}: {w['nbits']} bits differ from "
                                f"the run with nbits={w['nbits']}")
        pick = next(w for w in widths if w["nbits"] == r["nbits"])
        if pick["bytes"] != r["bytes_after"] or not close(pick["snr_db"],
                                                          r["snr_db"]):
            problems.append(f"{name}: the final constant is not its width's")
        if args.min_snr is not None:
            reach = [w["nbits"] for w in widths
                     if w["snr_db"] is None or w["snr_db"] >= args.min_snr]
            expected = reach[0] if reach else 8
            if r["nbits"] != expected:
                problems.append(f"{name}: {r['nbits']} bits, expected "
                                f"{expected}")
        print(f"{name}: {r['nbits']} bits by {r['chosen_by']}")

    if args.bits_per_weight is not None:
        budgeted = [r for r in chosen if r["chosen_by"] == "bits_per_weight"]
        others = [r for r in records if r not in budgeted]
        elements = sum(r["elements"] for r in records)
        budget = math.floor(args.bits_per_weight * elements)
        fixed_bits = sum(8 * r["bytes_after"] for r in others)
        best = None
        for combo in itertools.product(range(len(WIDTHS)),
                                       repeat=len(budgeted)):
            bits = fixed_bits + sum(8 * r["widths"][c]["bytes"]
                                    for r, c in zip(budgeted, combo))
            if bits > budget:
                continue
            cost = sum(r["elements"] * relative_error(r["widths"][c]["snr_db"])
                       for r, c in zip(budgeted, combo))
            if best is None or cost < best:
                best = cost
        used = fixed_bits + sum(8 * r["bytes_after"] for r in budgeted)
        cost = sum(r["elements"] * relative_error(r["snr_db"])
                   for r in budgeted)
        allocation = report.get("allocation", {})
        if best is None:
            problems.append("no combination meets the budget")
        elif not close(cost, best):
            problems.append(f"objective {cost}, brute force {best}")
        if used > budget:
            problems.append(f"{used} bits exceed the budget of {budget}")
        if not allocation.get("optimal") or not close(
                allocation.get("objective"), cost, 1e-6) or \
                allocation.get("lower_bound", math.inf) > cost * (1 + 1e-9):
            problems.append(f"allocation {allocation}")
        print(f"budget: {used} of {budget} bits, objective {cost:.6g}, "
              f"brute force {best if best is None else f'{best:.6g}'}")

    for problem in problems:
        print("FAILED:", problem)
    print("ok" if not problems and chosen else "FAILED")
    return 1 if problems or not chosen else 0


if __name__ == "__main__":
    sys.exit(main())
