#!/usr/bin/python3
"""Writes pruned f16 weights and, beside each, its non-zero values alone.

    make_pruned.py OUT.mlir OUT.npz

Constants (arith.constant of dense_resource blobs, named by NameLocs), all
64x160 f16 ~ N(0, 0.02) before pruning:
  * p50, p75, p90: each row keeps exactly 80, 40, 16 values (50, 75, 90%
    zeros) at seeded positions; some pruned values are -0.0;
  * c50, c75, c90: the kept values alone, [64, keep], in row-major order
    (each row of cXX is the kept values of that row of pXX);
  * v75: rows 2r and 2r+1 keep the same 40 columns (75% zero vectors of 2
    along axis 0), and cv75 = [2, 32 * 40]: column j the j-th kept vector
    in row-major order of the vector grid;
  * d25: 25% zeros (below the default sparse-threshold).
OUT.npz holds every array by name.
"""
import sys

import numpy as np

rng = np.random.default_rng(20261202)
ROWS, COLS = 64, 160
arrays = {}


def gaussian(shape):
    # Never exactly zero after rounding to f16, so the zeros are the pruned.
    values = rng.normal(0, 0.02, shape).astype(np.float16)
    values[values == 0] = np.float16(0.01)
    return values


for percent, keep in ((50, 80), (75, 40), (90, 16)):
    dense = gaussian((ROWS, COLS))
    pruned = np.zeros((ROWS, COLS), np.float16)
    kept = np.zeros((ROWS, keep), np.float16)
    for r in range(ROWS):
        columns = np.sort(rng.choice(COLS, keep, replace=False))
        pruned[r, columns] = dense[r, columns]
        kept[r] = dense[r, columns]
    # Some of the zeros are negative.
    zeros = np.argwhere(pruned == 0)
    for r, c in zeros[::7]:
        pruned[r, c] = np.float16(-0.0)
    arrays[f"p{percent}"] = pruned
    arrays[f"c{percent}"] = kept

dense = gaussian((ROWS, COLS))
vectors = np.zeros((ROWS, COLS), np.float16)
kept = []
for pair in range(ROWS // 2):
    columns = np.sort(rng.choice(COLS, 40, replace=False))
    vectors[2 * pair:2 * pair + 2, columns] = dense[2 * pair:2 * pair + 2,
                                                    columns]
    kept.append(dense[2 * pair:2 * pair + 2, columns])
arrays["v75"] = vectors
arrays["cv75"] = np.concatenate(kept, axis=1)

d25 = gaussian((ROWS, COLS))
d25[rng.random((ROWS, COLS)) < 0.25] = 0
arrays["d25"] = d25

np.savez(sys.argv[2], **arrays)
types = ", ".join(f"tensor<{'x'.join(map(str, a.shape))}xf16>"
                  for a in arrays.values())
with open(sys.argv[1], "w") as out:
    out.write(f"func.func @weights() -> ({types}) {{\n")
    for i, (name, array) in enumerate(arrays.items()):
        shape = "x".join(map(str, array.shape))
        out.write(f'  %{i} = arith.constant dense_resource<{name}> : '
                  f'tensor<{shape}xf16> loc("{name}")\n')
    out.write("  return " + ", ".join(f"%{i}" for i in range(len(arrays))) +
              " : " + types + "\n}\n")
    out.write("{-#\n  dialect_resources: { builtin: {\n")
    out.write(",\n".join(f'    {name}: "0x02000000{a.tobytes().hex().upper()}"'
                         for name, a in arrays.items()))
    out.write("\n  } }\n#-}\n")
