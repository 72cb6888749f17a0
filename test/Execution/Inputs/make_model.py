#!/usr/bin/env python3
"""Writes small models whose weights are dense_resource blobs, for the
execution tests: an MLP in linalg, a convolution in linalg, a TOSA
matmul, and one linear layer of a given size. Each model's main computes on a fixed input and prints the result
with printMemrefF32. Weights are seeded, so every run writes the same file.

Usage: make_model.py {mlp,conv,tosa,linear} OUT.mlir [--dtype f32|f16]
                     [--quantize STEP] [--size N]

--quantize rounds every weight to a multiple of STEP (few distinct values,
for mode=unique).
"""

import argparse
import struct
import sys

import numpy as np


def blob(array):
    """The text of a dense_resource blob: alignment, then the bytes."""
    alignment = struct.pack("<I", array.dtype.itemsize)
    return "0x" + (alignment + array.tobytes()).hex().upper()


def nested(array):
    """The nested-bracket literal of an array, each value exact in f32."""
    if array.ndim == 0:
        return "%.9g" % float(array)
    return "[" + ", ".join(nested(row) for row in array) + "]"


def dense(array, element):
    """An inline dense attribute of a float array."""
    shape = "x".join(str(d) for d in array.shape)
    return f"dense<{nested(array)}> : tensor<{shape}x{element}>"


class Model:
    def __init__(self, dtype, quantize, seed):
        self.rng = np.random.default_rng(seed)
        self.dtype = dtype
        self.quantize = quantize
        self.blobs = {}

    def weight(self, name, shape):
        """A weight blob, heavy-tailed so that k-means has work to do."""
        values = self.rng.standard_t(4, size=shape) * 0.25
        if self.quantize:
            values = np.round(values / self.quantize) * self.quantize
        array = values.astype(np.float16 if self.dtype == "f16"
                              else np.float32)
        self.blobs[name] = blob(array)
        return name

    def data(self, shape):
        return self.rng.uniform(-1, 1, size=shape).astype(np.float32)

    def resources(self):
        lines = [f"      {name}: \"{text}\"" for name, text in
                 self.blobs.items()]
        return ("{-#\n  dialect_resources: {\n    builtin: {\n" +
                ",\n".join(lines) + "\n    }\n  }\n#-}\n")


PRINT = "func.func private @printMemrefF32(tensor<*xf32>)\n"


def mlp(model):
    dt = model.dtype
    w1 = model.weight("fc1_weight", (64, 48))
    w2 = model.weight("fc2_weight", (48, 32))
    x = dense(model.data((4, 64)), "f32")
    b1 = dense(model.data((48,)), "f32")
    return PRINT + f"""
#bias = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main() {{
  %x = arith.constant {x}
  %w1 = arith.constant dense_resource<{w1}> : tensor<64x48x{dt}>
  %b1 = arith.constant {b1}
  %w2 = arith.constant dense_resource<{w2}> : tensor<48x32x{dt}>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x48xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x48xf32>) -> tensor<4x48xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<4x64xf32>, tensor<64x48x{dt}>)
                     outs(%z1 : tensor<4x48xf32>) -> tensor<4x48xf32>
  %a = linalg.generic {{indexing_maps = [#id, #bias, #id],
                       iterator_types = ["parallel", "parallel"]}}
         ins(%h, %b1 : tensor<4x48xf32>, tensor<48xf32>)
         outs(%e1 : tensor<4x48xf32>) {{
  ^bb0(%v: f32, %b: f32, %out: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }} -> tensor<4x48xf32>
  %e2 = tensor.empty() : tensor<4x32xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x32xf32>) -> tensor<4x32xf32>
  %y = linalg.matmul ins(%a, %w2 : tensor<4x48xf32>, tensor<48x32x{dt}>)
                     outs(%z2 : tensor<4x32xf32>) -> tensor<4x32xf32>
  %p = tensor.cast %y : tensor<4x32xf32> to tensor<*xf32>
  call @printMemrefF32(%p) : (tensor<*xf32>) -> ()
  return
}}
"""


def conv(model):
    dt = model.dtype
    w = model.weight("conv_weight", (3, 3, 8, 16))
    x = dense(model.data((1, 6, 6, 8)), "f32")
    return PRINT + f"""
func.func @main() {{
  %x = arith.constant {x}
  %w = arith.constant dense_resource<{w}> : tensor<3x3x8x16x{dt}>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf
         {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
         ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x16x{dt}>)
         outs(%z : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %p = tensor.cast %y : tensor<1x4x4x16xf32> to tensor<*xf32>
  call @printMemrefF32(%p) : (tensor<*xf32>) -> ()
  return
}}
"""


def tosa(model):
    if model.dtype != "f32":
        sys.exit("make_model.py: the tosa model is f32 only")
    w = model.weight("tosa_weight", (1, 64, 32))
    x = dense(model.data((1, 4, 64)), "f32")
    b = dense(model.data((1, 1, 32)), "f32")
    return PRINT + f"""
func.func @main() {{
  %x = arith.constant {x}
  %w = arith.constant dense_resource<{w}> : tensor<1x64x32xf32>
  %b = "tosa.const"() {{values = {b}}} : () -> tensor<1x1x32xf32>
  %zp = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x4x64xf32>, tensor<1x64x32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x32xf32>
  %s = tosa.add %m, %b : (tensor<1x4x32xf32>, tensor<1x1x32xf32>) -> tensor<1x4x32xf32>
  %y = tosa.clamp %s {{min_val = 0.0 : f32, max_val = 3.0e38 : f32}} : (tensor<1x4x32xf32>) -> tensor<1x4x32xf32>
  %p = tensor.cast %y : tensor<1x4x32xf32> to tensor<*xf32>
  call @printMemrefF32(%p) : (tensor<*xf32>) -> ()
  return
}}
"""


def linear(model, size):
    """y = x W for one row x = [0, 1, ..., size - 1] / size, computed at run
    time, so that the weight is the module's only large constant."""
    dt = model.dtype
    w = model.weight("linear_weight", (size, size))
    return PRINT + f"""
func.func @main() {{
  %x = tensor.generate {{
  ^bb0(%i: index, %j: index):
    %n = arith.index_cast %j : index to i32
    %f = arith.sitofp %n : i32 to f32
    %s = arith.constant {float(size)} : f32
    %v = arith.divf %f, %s : f32
    tensor.yield %v : f32
  }} : tensor<1x{size}xf32>
  %w = arith.constant dense_resource<{w}> : tensor<{size}x{size}x{dt}>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x{size}xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x{size}xf32>) -> tensor<1x{size}xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x{size}xf32>, tensor<{size}x{size}x{dt}>)
                     outs(%z : tensor<1x{size}xf32>) -> tensor<1x{size}xf32>
  %p = tensor.cast %y : tensor<1x{size}xf32> to tensor<*xf32>
  call @printMemrefF32(%p) : (tensor<*xf32>) -> ()
  return
}}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["mlp", "conv", "tosa", "linear"])
    parser.add_argument("output")
    parser.add_argument("--dtype", choices=["f32", "f16"], default="f32")
    parser.add_argument("--quantize", type=float, default=0)
    parser.add_argument("--size", type=int, default=1024,
                        help="linear: the weight is SIZE x SIZE")
    args = parser.parse_args()
    seed = {"mlp": 1, "conv": 2, "tosa": 3, "linear": 4}[args.kind]
    model = Model(args.dtype, args.quantize, seed)
    if args.kind == "linear":
        text = linear(model, args.size)
    else:
        text = {"mlp": mlp, "conv": conv, "tosa": tosa}[args.kind](model)
    with open(args.output, "w") as out:
        out.write(text + model.resources())


if __name__ == "__main__":
    main()
