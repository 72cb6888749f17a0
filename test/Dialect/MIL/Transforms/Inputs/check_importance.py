#!/usr/bin/python3
"""Checks importance-weighted k-means LUTs against an independent optimum.

    check_importance.py ORIGINAL PALETTIZED IMPORTANCE REPORT

ORIGINAL and PALETTIZED are printed as check_palettized.py takes them,
IMPORTANCE is the run's safetensors file and REPORT its JSON report. For
every scalar kmeans constant the report says was weighted by importance,
and for each of its palettes (the whole tensor, or each channel group):

* its weighted error sum imp (x - lut[index])^2 lies between the optimum
  and the optimum plus what rounding the entries to the type can add (the
  total importance times the square of the largest half ulp among them):
  the optimum by a dynamic program here over the sorted distinct values,
  each weighing its elements' summed importance, into at most 2^nbits
  clusters, its partition costed again directly;
* each used LUT entry is within one ulp of the weighted mean of the
  elements that take it (the nearest-entry assignment after rounding may
  move a boundary element);
* every element, of zero importance too, takes an entry nearest to it.

With per-channel-scale (float LUTs), the same holds in the normalized
space the LUT lives in: values x / s_c rounded to the type (s_c the
channel's max |x|, 1 for an all-zero channel), each weighing imp * s_c^2,
which makes the objective the weighted error of the decoded values.

Prints a line per constant and a count; exits 1 on any failure or when
nothing was checked.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_palettized as cp  # noqa: E402
import safetensors_io  # noqa: E402


def next_layer(best, cost, m):
    """One layer of the DP: nxt[j] = min over 1 <= i < j of best[i] +
    cost(i, j), for 2 <= j <= m. The best i does not decrease with j (the
    cost is Monge), so each j's search is confined by its neighbours'
    choices: divide and conquer over j, every segment of a recursion level
    evaluated at once."""
    nxt = np.full(m + 1, np.inf)
    choice = np.zeros(m + 1, dtype=int)
    # Segments of j to solve, each with the range of i allowed.
    jlo, jhi = np.array([2]), np.array([m])
    ilo, ihi = np.array([1]), np.array([m - 1])
    while len(jlo):
        mid = (jlo + jhi) // 2
        top = np.minimum(ihi, mid - 1)
        counts = top - ilo + 1
        owner = np.repeat(np.arange(len(mid)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(
            np.cumsum(counts) - counts, counts)
        i = ilo[owner] + offsets
        j = mid[owner]
        values = best[i] + cost(i, j)
        starts = np.cumsum(counts) - counts
        minima = np.minimum.reduceat(values, starts)
        # The first i reaching each segment's minimum.
        hit = np.flatnonzero(values == minima[owner])
        first = hit[np.unique(owner[hit], return_index=True)[1]]
        chosen = i[first]
        nxt[mid] = minima
        choice[mid] = chosen
        left = jlo <= mid - 1
        right = mid + 1 <= jhi
        jlo, jhi, ilo, ihi = (
            np.concatenate([jlo[left], mid[right] + 1]),
            np.concatenate([mid[left] - 1, jhi[right]]),
            np.concatenate([ilo[left], chosen[right]]),
            np.concatenate([chosen[left], ihi[right]]))
    return nxt, choice


def optimal_cost(x, w, k):
    """The least sum w (x - mean)^2 over partitions of sorted x into at most
    k contiguous clusters (optimal in 1-D), by dynamic programming; the
    partition it finds is costed again directly, so that the rounding of
    the prefix sums does not enter the result."""
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

    clusters = min(k, m)
    best = np.concatenate([[0.0], cost(np.zeros(1, dtype=int),
                                       np.arange(1, m + 1))])
    choices = []
    for _ in range(1, clusters):
        nxt, choice = next_layer(best, cost, m)
        best = nxt
        choices.append(choice)
    # Back from the end: the start of each cluster.
    starts, end = [], m
    for choice in reversed(choices):
        starts.append(choice[end])
        end = choice[end]
    bounds = [0] + sorted(starts) + [m]
    direct = 0.0
    for a, b in zip(bounds[:-1], bounds[1:]):
        mean = np.average(x[a:b], weights=w[a:b])
        direct += float(np.sum(w[a:b] * (x[a:b] - mean) ** 2))
    return direct


def ulp(value, type_name):
    """The spacing of `type_name`'s values at |value|."""
    if type_name == "f16":
        return float(np.spacing(np.float16(abs(value))))
    spacing = float(np.spacing(np.float32(abs(value))))
    return spacing * 65536 if type_name == "bf16" else spacing


def check_palette(x, w, indices, table, type_name, problems, where):
    """One palette: values x, importances w and indices (flat), LUT table."""
    k = len(table)
    positive = w > 0
    half_ulps = []
    for index in np.unique(indices[positive]):
        members = positive & (indices == index)
        mean = np.average(x[members], weights=w[members])
        step = ulp(table[index], type_name)
        half_ulps.append(step / 2)
        if abs(table[index] - mean) > step:
            problems.append(f"{where}: entry {index} is {table[index]}, "
                            f"its elements' weighted mean {mean}")
    actual = float(np.sum(w * (x - table[indices]) ** 2))
    distinct, inverse = np.unique(x[positive], return_inverse=True)
    weights = np.bincount(inverse, weights=w[positive])
    optimum = optimal_cost(distinct, weights, k)
    slack = float(np.sum(w)) * max(half_ulps) ** 2
    if not optimum * (1 - 1e-12) <= actual <= optimum * (1 + 1e-12) + slack:
        problems.append(f"{where}: weighted error {actual!r} outside "
                        f"[{optimum!r}, {optimum!r} + {slack!r}]")
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
        if record["cluster_dim"] != 1 or record["lut_type"] in ("int8",
                                                                "uint8"):
            continue
        name = record["name"]
        x, type_name = original[name]
        w = importance[name]
        result = final[name]
        if record["per_channel_scale"]:
            axis = record["channel_axis"]
            others = tuple(d for d in range(x.ndim) if d != axis)
            scale = np.max(np.abs(x), axis=others, keepdims=True)
            scale = np.where(scale > 0, scale, 1.0)
            x = cp.round_to(x / scale, type_name)
            w = w * scale * scale
            result = shifts[result]["data"]
        lut = luts[result]
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
