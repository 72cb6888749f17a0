#!/usr/bin/python3
"""Writes an MLIR file with one f16 weight of ROWSxCOLS Gaussian values."""
import sys

import numpy as np

rows, cols, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
values = np.random.default_rng(seed).normal(0, 0.02, (rows, cols))
blob = values.astype(np.float16).tobytes().hex().upper()
print(f"""func.func @one() -> tensor<{rows}x{cols}xf16> {{
  %0 = arith.constant dense_resource<big> : tensor<{rows}x{cols}xf16> loc("big")
  return %0 : tensor<{rows}x{cols}xf16>
}}
{{-#
  dialect_resources: {{ builtin: {{ big: "0x02000000{blob}" }} }}
#-}}""")
