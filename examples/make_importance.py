#!/usr/bin/python3
"""Writes examples/mlp_importance.safetensors: importances for examples/mlp.mlir.

For a linear layer y = x W (W of shape [in, out]), an error D in W changes
the output by x D, whose expected squared size is, to first order and
ignoring correlations between inputs, sum_ij E[x_i^2] D_ij^2: each weight's
importance is the second moment of the input it multiplies. This writes
that importance for both layers with synthetic input statistics: fc1's 256
inputs have unit variance except 8 outlier features 30 times as strong (as
large models' activations do), fc2's 384 hidden activations (after ReLU)
have random second moments. Seeded, pure Python: the same file every time.

    examples/make_importance.py examples/mlp_importance.safetensors
"""

import json
import random
import struct
import sys


def tensor_bytes(rows, cols, row_importance):
    """An F32 tensor whose row i holds row_importance[i] in every column."""
    return b"".join(struct.pack("<f", row_importance[i]) * cols
                    for i in range(rows))


def main():
    rng = random.Random(1)
    inputs, hidden, outputs = 256, 384, 10
    outliers = set(rng.sample(range(inputs), 8))
    fc1 = [30.0 if i in outliers else 1.0 for i in range(inputs)]
    fc2 = [rng.expovariate(1.0) for _ in range(hidden)]
    tensors = [("fc1.weight", [inputs, hidden], tensor_bytes(inputs, hidden, fc1)),
               ("fc2.weight", [hidden, outputs],
                tensor_bytes(hidden, outputs, fc2))]
    header, data = {}, b""
    for name, shape, raw in tensors:
        header[name] = {"dtype": "F32", "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, sort_keys=True).encode()
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
