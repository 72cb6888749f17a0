#!/usr/bin/python3
"""Writes an MLIR function returning 16x8 weights whose values reach each
float type's largest finite magnitude (f16 65504, bf16 and f32 about 3.4e38),
mixed with ordinary values: of both signs, all negative, all positive."""
import numpy as np

LARGEST = {"f16": 65504.0, "bf16": float.fromhex("0x1.fep127"),
           "f32": float(np.finfo(np.float32).max)}


def to_hex(values, type_name):
    if type_name == "f16":
        raw = values.astype(np.float16).tobytes()
    elif type_name == "f32":
        raw = values.astype(np.float32).tobytes()
    else:  # bf16: the top half of the f32 pattern (values chosen exact)
        bits = values.astype(np.float32).view(np.uint32) >> 16
        raw = bits.astype(np.uint16).tobytes()
    return raw.hex().upper()


rng = np.random.default_rng(3)
constants, results, types, blobs = [], [], [], []
for type_name, largest in LARGEST.items():
    for sign in ("mixed", "negative", "positive"):
        values = rng.normal(0, largest / 8, (16, 8))
        values[0, :4] = largest
        values[1, :4] = -largest
        if sign == "negative":
            values = -np.abs(values)
        elif sign == "positive":
            values = np.abs(values)
        values = np.clip(values, -largest, largest)
        if type_name == "bf16":  # exact in bf16: round the f32 pattern
            bits = values.astype(np.float32).view(np.uint32)
            values = (bits & 0xFFFF0000).view(np.float32).astype(np.float64)
        name = f"{type_name}_{sign}"
        result, type_text = f"%{name}", f"tensor<16x8x{type_name}>"
        constants.append(f"  {result} = arith.constant dense_resource<{name}> "
                         f": {type_text} loc(\"{name}\")")
        results.append(result)
        types.append(type_text)
        blobs.append(f'{name}: "0x04000000{to_hex(values, type_name)}"')
print(f"func.func @extremes() -> ({', '.join(types)}) {{")
print("\n".join(constants))
print(f"  return {', '.join(results)} : {', '.join(types)}")
print("}")
print("{-#\n  dialect_resources: { builtin: {\n    " + ",\n    ".join(blobs) +
      "\n  } }\n#-}")
