#!/usr/bin/python3
"""Writes an MLIR function returning Gaussian weight constants.

    make_weights.py NAME:TYPE:DIMS:SEED ...

Each constant is an arith.constant of a dense_resource blob, TYPE f16,
bf16 or f32, DIMS like 16x32, named by a NameLoc; values ~ N(0, 0.02).
"""
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import safetensors_io  # noqa: E402

constants = []
for spec in sys.argv[1:]:
    name, type_name, dims, seed = spec.split(":")
    shape = [int(d) for d in dims.split("x")]
    values = np.random.default_rng(int(seed)).normal(0, 0.02, shape)
    if type_name == "bf16":
        raw = safetensors_io.bf16_bytes(values)
    else:
        raw = values.astype({"f16": np.float16, "f32": np.float32}[
            type_name]).tobytes()
    constants.append((name, f"tensor<{dims}x{type_name}>", raw))

results = ", ".join(t for _, t, _ in constants)
print(f"func.func @weights() -> ({results}) {{")
for i, (name, type_text, _) in enumerate(constants):
    print(f'  %{i} = arith.constant dense_resource<{name}> : {type_text} '
          f'loc("{name}")')
print("  return " + ", ".join(f"%{i}" for i in range(len(constants))) +
      " : " + results)
print("}")
print("{-#\n  dialect_resources: { builtin: {")
print(",\n".join(f'    {name}: "0x04000000{raw.hex().upper()}"'
                 for name, _, raw in constants))
print("  } }\n#-}")
