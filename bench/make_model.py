#!/usr/bin/python3
"""Writes a transformer-like MLIR model of about P parameters.

    bench/make_model.py --params 100M --dtype f16 --out /tmp/model
        -> /tmp/model.mlir (text) and, with --bytecode, /tmp/model.mlirbc

The model is one func.func whose weights are arith.constant ops over
dense_resource blobs, named by their locations ("layer3.mlp.up", ...), and
consumed by linalg.matmul so that the function does something: per layer
four [d, d] attention projections, an up [d, 4d] and a down [4d, d]
projection, and rank-1 biases; plus a [vocab, d] embedding. Values are
Gaussian (std 0.02) except every fourth layer's down projection, which is
heavy-tailed (0.02 * Student's t, 3 degrees of freedom), and every fifth
layer's output projection, which holds only 16 distinct values. Seeded: the
same arguments give the same file.
"""

import argparse
import os
import subprocess
import sys

import numpy as np


def parse_count(text):
    scale = {"K": 10**3, "M": 10**6, "B": 10**9, "G": 10**9}
    if text[-1].upper() in scale:
        return int(float(text[:-1]) * scale[text[-1].upper()])
    return int(text)


def shape_for(params):
    """Model width, layer count and vocabulary for about `params` weights."""
    for width in (128, 256, 512, 1024, 2048, 4096):
        vocab = 8 * width
        layers = (params - vocab * width) // (12 * width * width)
        if layers <= 24:
            return width, max(1, layers), vocab
    return 4096, max(1, (params - 8 * 4096 * 4096) // (12 * 4096 * 4096)), \
        8 * 4096


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="2M")
    parser.add_argument("--dtype", choices=["f16", "f32"], default="f16")
    parser.add_argument("--out", required=True, help="output path stem")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bytecode", action="store_true",
                        help="also write OUT.mlirbc with palettize-opt")
    parser.add_argument("--opt", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "build", "bin", "palettize-opt"))
    args = parser.parse_args()

    params = parse_count(args.params)
    width, layers, vocab = shape_for(params)
    dtype = np.float16 if args.dtype == "f16" else np.float32
    rng = np.random.default_rng(args.seed)
    element = args.dtype

    weights = []  # (name, shape, array)

    def add(name, shape, kind="gaussian"):
        if kind == "heavy":
            values = rng.standard_t(3.0, size=shape) * 0.02
        elif kind == "levels":
            values = rng.integers(-8, 8, size=shape) * 0.005
        else:
            values = rng.normal(0.0, 0.02, size=shape)
        weights.append((name, shape, values.astype(dtype)))

    add("embedding", (vocab, width))
    for layer in range(layers):
        for projection in ("q", "k", "v"):
            add(f"layer{layer}.attn.{projection}", (width, width))
        add(f"layer{layer}.attn.out", (width, width),
            "levels" if layer % 5 == 4 else "gaussian")
        add(f"layer{layer}.mlp.up", (width, 4 * width))
        add(f"layer{layer}.mlp.up_bias", (4 * width,))
        add(f"layer{layer}.mlp.down", (4 * width, width),
            "heavy" if layer % 4 == 3 else "gaussian")
        add(f"layer{layer}.mlp.down_bias", (width,))

    total = sum(array.size for _, _, array in weights)
    path = args.out + ".mlir"
    with open(path, "w") as out:
        out.write(f"// {total} parameters ({element}): width {width}, "
                  f"{layers} layers, vocabulary {vocab}. "
                  f"bench/make_model.py --params {args.params} "
                  f"--dtype {args.dtype} --seed {args.seed}\n")
        out.write(f"func.func @model(%x: tensor<1x{width}x{element}>) "
                  f"-> tensor<1x{width}x{element}> {{\n")
        state = "%x"
        for index, (name, shape, _) in enumerate(weights):
            type_text = "tensor<" + "x".join(map(str, shape)) + f"x{element}>"
            out.write(f"  %w{index} = arith.constant dense_resource<w{index}> "
                      f": {type_text} loc(\"{name}\")\n")
            # Chain the square and down projections through matmuls.
            if len(shape) == 2 and shape[1] == width and shape[0] == width:
                out.write(f"  %z{index} = tensor.empty() : "
                          f"tensor<1x{width}x{element}>\n")
                out.write(f"  %h{index} = linalg.matmul ins({state}, %w{index} "
                          f": tensor<1x{width}x{element}>, {type_text}) "
                          f"outs(%z{index} : tensor<1x{width}x{element}>) "
                          f"-> tensor<1x{width}x{element}>\n")
                state = f"%h{index}"
        out.write(f"  return {state} : tensor<1x{width}x{element}>\n}}\n\n")
        out.write("{-#\n  dialect_resources: {\n    builtin: {\n")
        alignment = np.dtype(dtype).itemsize
        for index, (_, _, array) in enumerate(weights):
            separator = "," if index + 1 < len(weights) else ""
            out.write(f"      w{index}: \"0x{alignment:02X}000000")
            out.write(array.tobytes().hex().upper())
            out.write(f"\"{separator}\n")
        out.write("    }\n  }\n#-}\n")
    print(f"{path}: {total} parameters, width {width}, {layers} layers",
          file=sys.stderr)
    with open(args.out + ".params", "w") as out:
        out.write(f"{total}\n")
    if args.bytecode:
        subprocess.run([args.opt, path, "-emit-bytecode", "-o",
                        args.out + ".mlirbc"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
