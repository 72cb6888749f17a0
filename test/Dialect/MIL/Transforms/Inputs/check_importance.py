#!/usr/bin/python3
"""Checks importance-weighted k-means LUTs against an independent optimum.

    check_importance.py ORIGINAL PALETTIZED IMPORTANCE REPORT

ORIGINAL and PALETTIZED are printed as check_palettized.py takes them,
IMPORTANCE is the run's safetensors file and REPORT its JSON report. For
every scalar kmeans constant the report says was weighted by importance,
and for each of its palettes (the whole tensor, or each channel group):

* the partition its indices make of the elements of positive importance
  costs, with each cluster at its exact weighted mean, what the optimum
  costs: a dynamic program here over the sorted distinct values, each
  weighing its elements' summed importance, into at most 2^nbits clusters;
* each used LUT entry is its cluster's weighted mean rounded to the type;
* every element, of zero importance too, takes an entry nearest to it.

Prints a line per constant and a count; exits 1 on any failure or when
nothing was checked.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_palettized as cp  # noqa: E402
import safetensors_io  # noqa: E402


def optimal_cost(x, w, k):
    """The least sum w (x - mean)^2 over partitions of sorted x into at most
    k contiguous clusters (optimal in 1-D), by dynamic programming."""
    m = len(x)
    shift = np.average(x, weights=w)
    y = x - shift
    pw = np.concatenate([[0.0], np.cumsum(w)])
    pwy = np.concatenate([[0.0], np.cumsum(w * y)])
    pwyy = np.concatenate([[0.0], np.cumsum(w * y * y)])

    def cost(i, j):  # clusters [i, j), vectorized over i
        weight = pw[j] - pw[i]
        total = pwy[j] - pwy[i]
        return np.maximum(pwyy[j] - pwyy[i] - total * total / weight, 0.0)

    best = cost(np.zeros(1, dtype=int), np.arange(1, m + 1))
    best = np.concatenate([[0.0], best])  # best[j]: prefix of j, 1 cluster
    results = [best[m]]
    for _ in range(1, min(k, m)):
        nxt = np.full(m + 1, np.inf)
        for j in range(2, m + 1):
            i = np.arange(1, j)
            nxt[j] = np.min(best[i] + cost(i, j))
        best = nxt
        results.append(best[m])
    return min(results)


def check_palette(x, w, indices, table, type_name, problems, where):
    """One palette: values x, importances w and indices (flat), LUT table."""
    k = len(table)
    positive = w > 0
    # The result's partition, at exact weighted means.
    cost = 0.0
    for index in np.unique(indices[positive]):
        members = positive & (indices == index)
        mean = np.average(x[members], weights=w[members])
        cost += float(np.sum(w[members] * (x[members] - mean) ** 2))
        if np.all(x[members] == x[members][0]):
            expected = x[members][0]
        else:
            expected = cp.round_to(np.array([mean]), type_name)[0]
        if table[index] != expected:
            problems.append(f"{where}: entry {index} is {table[index]}, "
                            f"expected the weighted mean {expected}")
    distinct, inverse = np.unique(x[positive], return_inverse=True)
    weights = np.bincount(inverse, weights=w[positive])
    optimum = optimal_cost(distinct, weights, k)
    if not np.isclose(cost, optimum, rtol=1e-7, atol=1e-300):
        problems.append(f"{where}: cost {cost!r} != optimum {optimum!r}")
    used = table[:max(int(indices.max()) + 1, 1)]
    mine = np.abs(x - table[indices])
    nearest = np.min(np.abs(x[:, None] - used[None, :]), axis=1)
    if np.any(mine > nearest):
        problems.append(f"{where}: {int(np.sum(mine > nearest))} elements "
                        "not at their nearest entry")


def main():
    original_path, palettized_path, importance_path, report_path = \
        sys.argv[1:5]
    import json
    original = cp.original_constants(open(original_path).read())
    values, types, luts, shifts, named = cp.parse_chains(
        open(palettized_path).read())
    final = dict(named)
    importance = safetensors_io.read(importance_path)
    report = json.load(open(report_path))
    checked = failures = 0
    for record in report["constants"]:
        if not record.get("palettized") or record.get("importance") is None:
            continue
        if record["cluster_dim"] != 1 or record["per_channel_scale"] \
                or record["lut_type"] in ("int8", "uint8"):
            continue
        name = record["name"]
        x, type_name = original[name]
        w = importance[name]
        lut = luts[final[name]]
        problems = []
        groups = lut.group_ids().reshape(-1)
        table = lut.table.reshape(-1, lut.palette)
        flat_x, flat_w = x.reshape(-1), w.reshape(-1)
        flat_indices = lut.indices.reshape(-1)
        for group in np.unique(groups):
            members = groups == group
            check_palette(flat_x[members], flat_w[members],
                          flat_indices[members], table[group], type_name,
                          problems, f"group {group}")
        checked += 1
        failures += bool(problems)
        print(f"{name}: {'ok' if not problems else 'FAILED: ' + '; '.join(problems[:3])}")
    print(f"{checked - failures} of {checked} weighted constants optimal")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
