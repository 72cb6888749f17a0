#!/usr/bin/python3
"""Measures palettized matrix products compiled by palettize-lower-to-llvm
against the same products on dense weights.

    bench/decode_matmul.py [--sizes 512,4096,8192] [--batches 1,64]
                           [--calls 20] [--repeats 1] [--work DIR]

For each size N and batch B, a module computes y = x W for x of B x N and a
seeded N x N f32 weight W in a dense_resource blob. W is palettized with
kmeans nbits=4 (one per-tensor LUT) and lowered in each way below; the
dense baseline is the palettized module after mil-materialize-constexpr, so
it multiplies the same decoded values through the same pipeline (loops
ordered by palettize-order-loops, vectorized by LLVM):

  dense        the decoded weight as a constant;
  per-call     decode=per-call: the weight decoded before each product;
  at-load      decode=at-load: decoded once, into a global, on first use;
  fused        decode=fused: decoded inside the product, per element read;
  lut-vector   lut-matmul=vector: eight weights decoded per vector register,
               vector.gather lookups;
  lut-avx2     lut-matmul=avx2: the LUT in two AVX2 registers, vpermps.

Each program runs under `mlir-runner -O3` (one thread). Its main calls the
product once to warm up, then --calls times between two rtclock() calls;
the time per call excludes the JIT. With --repeats R each program runs R
times, one variant after the other, and the fastest run counts (the machine
is shared). Every variant must print the same
checksum as the dense baseline (the products are exact to the bit); a
mismatch stops the run. Prints a Markdown table of milliseconds per call,
the ratio to dense, and at batch 1 the dense product's weight bandwidth
(N * N * 4 bytes per call) next to a single-thread copy of a 1 GiB array
(numpy, read and write counted) measured in the same run.
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PALETTIZE_OPT = os.path.join(ROOT, "build", "bin", "palettize-opt")
LLVM = "/usr/lib/llvm-22"
RUNNER = [f"{LLVM}/bin/mlir-runner", "-O3", "-e", "main",
          "-entry-point-result=void",
          f"-shared-libs={LLVM}/lib/libmlir_c_runner_utils.so,"
          f"{LLVM}/lib/libmlir_runner_utils.so"]

VARIANTS = [
    ("per-call", "decode=per-call"),
    ("at-load", "decode=at-load"),
    ("fused", "decode=fused"),
    ("lut-vector", "lut-matmul=vector"),
    ("lut-avx2", "lut-matmul=avx2"),
]


def write_model(path, size, batch, calls):
    """The product in @forward, timed by @main; W in a blob."""
    rng = np.random.default_rng(size)
    weight = (rng.standard_normal((size, size)) * 0.05).astype(np.float32)
    x = f"tensor<{batch}x{size}xf32>"
    with open(path, "w") as out:
        out.write(f"""
func.func private @rtclock() -> f64
func.func private @printF64(f64)
func.func private @printNewline()
func.func @forward(%x: {x}) -> {x} {{
  %w = arith.constant dense_resource<weight> : tensor<{size}x{size}xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {x}
  %z = linalg.fill ins(%zero : f32) outs(%e : {x}) -> {x}
  %y = linalg.matmul ins(%x, %w : {x}, tensor<{size}x{size}xf32>)
                     outs(%z : {x}) -> {x}
  return %y : {x}
}}
func.func @main() {{
  %x = tensor.generate {{
  ^bb0(%i: index, %j: index):
    %s = arith.addi %i, %j : index
    %n = arith.index_cast %s : index to i32
    %f = arith.sitofp %n : i32 to f32
    %c = arith.constant 0.001 : f32
    %v = arith.mulf %f, %c : f32
    tensor.yield %v : f32
  }} : {x}
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %calls = arith.constant {calls} : index
  %warm = call @forward(%x) : ({x}) -> {x}
  %s0 = tensor.extract %warm[%c0, %c1] : {x}
  %t0 = call @rtclock() : () -> f64
  // Each call's input differs, so no call can be hoisted or merged.
  %sum = scf.for %i = %c0 to %calls step %c1 iter_args(%acc = %s0) -> (f32) {{
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %xi = tensor.insert %fi into %x[%c0, %c0] : {x}
    %y = func.call @forward(%xi) : ({x}) -> {x}
    %v = tensor.extract %y[%c0, %c1] : {x}
    %a = arith.addf %acc, %v : f32
    scf.yield %a : f32
  }}
  %t1 = call @rtclock() : () -> f64
  %dt = arith.subf %t1, %t0 : f64
  %n = arith.constant {float(calls)} : f64
  %per = arith.divf %dt, %n : f64
  call @printF64(%per) : (f64) -> ()
  call @printNewline() : () -> ()
  %sd = arith.extf %sum : f32 to f64
  call @printF64(%sd) : (f64) -> ()
  call @printNewline() : () -> ()
  return
}}
{{-#
  dialect_resources: {{
    builtin: {{
      weight: "0x04000000{weight.tobytes().hex().upper()}"
    }}
  }}
#-}}
""")


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    return result.stdout


def time_program(module, options, work):
    """Lowers `module` with palettize-lower-to-llvm{options}, runs it;
    returns (seconds per call, checksum text)."""
    lowered = os.path.join(work, "lowered.mlirbc")
    run([PALETTIZE_OPT, module, f"--palettize-lower-to-llvm={options}",
         "--emit-bytecode", "-o", lowered])
    lines = run(RUNNER + [lowered]).split()
    return float(lines[0]), lines[1]


def copy_bandwidth():
    """GB/s of numpy copying a 1 GiB array into another (one thread,
    fastest of 3), the bytes read and written both counted."""
    source = np.ones(1 << 28, dtype=np.float32)
    target = np.empty_like(source)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        np.copyto(target, source)
        best = min(best, time.perf_counter() - start)
    return 2 * source.nbytes / best / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="512,4096,8192")
    parser.add_argument("--batches", default="1,64")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--work", default="/tmp/palettize-decode")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    bandwidth = copy_bandwidth()
    print(f"# memory bandwidth, one thread (numpy copy of 1 GiB, read + "
          f"write): {bandwidth:.1f} GB/s; {args.calls} calls per program, "
          f"fastest of {args.repeats}; kmeans nbits=4, per-tensor LUT; "
          "ms per call (ratio to dense)")
    names = " | ".join(name for name, _ in VARIANTS)
    print(f"| N | batch | dense ms | dense GB/s | {names} |")
    print("|---|---|---|---|" + "---|" * len(VARIANTS))
    for size in [int(s) for s in args.sizes.split(",")]:
        for batch in [int(b) for b in args.batches.split(",")]:
            text = os.path.join(args.work, f"model-{size}-{batch}.mlir")
            write_model(text, size, batch, args.calls)
            palettized = os.path.join(args.work, "palettized.mlirbc")
            run([PALETTIZE_OPT, text, "--palettize-weights=nbits=4",
                 "--emit-bytecode", "-o", palettized])
            os.remove(text)
            dense = os.path.join(args.work, "dense.mlirbc")
            run([PALETTIZE_OPT, palettized, "--mil-materialize-constexpr",
                 "--emit-bytecode", "-o", dense])
            programs = [("dense", dense, "")] + [
                (name, palettized, options) for name, options in VARIANTS]
            best, checksum = {}, None
            for _ in range(args.repeats):
                for name, module, options in programs:
                    seconds, got = time_program(module, options, args.work)
                    if checksum is None:
                        checksum = got
                    if got != checksum:
                        sys.exit(f"{name} at N={size} batch={batch} printed "
                                 f"{got}, dense printed {checksum}")
                    best[name] = min(best.get(name, float("inf")), seconds)
            dense_seconds = best["dense"]
            gbps = (f"{size * size * 4 / dense_seconds / 1e9:.1f}"
                    if batch == 1 else "-")
            cells = [f"{best[name] * 1e3:.3f} "
                     f"({best[name] / dense_seconds:.2f}x)"
                     for name, _ in VARIANTS]
            print(f"| {size} | {batch} | {dense_seconds * 1e3:.3f} | "
                  f"{gbps} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
