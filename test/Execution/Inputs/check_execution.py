#!/usr/bin/env python3
"""Runs a model palettized with each given configuration in two ways and
compares what it prints:

  palettized:   palettize-weights, then palettize-lower-to-llvm with each
                of the --lowering options (the weights decoded at run
                time), run by mlir-runner;
  materialized: palettize-weights, mil-materialize-constexpr (the weights
                decoded at compile time), then palettize-lower-to-llvm, run
                the same way.

The two must print the same values: exactly, except with decode=fused,
whose contraction may sum in another order (--fused-tolerance, relative).
The LUT matmul kernels (lut-matmul=...) sum in the matmul's order, and are
compared exactly.
Before running, it checks that the palettized module holds the expected
number of mil.constexpr_lut_to_dense ops, so that a configuration that
compressed nothing cannot pass, and that the lowered module holds none.
Prints one line per configuration and decode; exits 1 on any mismatch.

Usage: check_execution.py MODEL.mlir --runner 'CMD' --expect-luts N
                          --config NAME='OPTIONS' [--config ...]
                          [--lowering decode=per-call,lut-matmul=vector]
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

NUMBER = re.compile(r"-?(?:nan|inf|\d+(?:\.\d*)?(?:e[-+]?\d+)?)")


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True,
                            **kwargs)
    if result.returncode != 0:
        sys.exit(f"check_execution.py: {shlex.join(command)} failed "
                 f"({result.returncode}):\n{result.stderr}")
    return result.stdout


def printed_values(output):
    """The numbers of printMemref's data, in order (its header skipped)."""
    values = []
    for line in output.splitlines():
        if line.startswith("Unranked Memref") or line.startswith("Memref"):
            continue
        values += [float(v) for v in NUMBER.findall(line)]
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model")
    parser.add_argument("--runner", required=True,
                        help="mlir-runner with its options")
    parser.add_argument("--opt", default="palettize-opt")
    parser.add_argument("--expect-luts", type=int, required=True)
    parser.add_argument("--config", action="append", required=True,
                        help="NAME=palettize-weights options")
    parser.add_argument("--lowering",
                        default="decode=per-call,decode=at-load,decode=fused",
                        help="comma-separated palettize-lower-to-llvm "
                             "options, one run each")
    parser.add_argument("--fused-tolerance", type=float, default=1e-5)
    args = parser.parse_args()
    runner = shlex.split(args.runner)

    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        def lower_and_run(module, options):
            lowered = os.path.join(scratch, "lowered.mlir")
            run([args.opt, module, f"--palettize-lower-to-llvm={options}",
                 "-o", lowered])
            with open(lowered) as f:
                if "mil." in f.read():
                    sys.exit("check_execution.py: mil ops left after "
                             "palettize-lower-to-llvm")
            return printed_values(run(runner + [lowered]))

        for config in args.config:
            name, _, options = config.partition("=")
            palettized = os.path.join(scratch, "palettized.mlir")
            run([args.opt, args.model,
                 f"--palettize-weights={options}", "-o", palettized])
            with open(palettized) as f:
                luts = f.read().count("mil.constexpr_lut_to_dense")
            if luts != args.expect_luts:
                print(f"{name}: FAIL: {luts} constexpr_lut_to_dense ops, "
                      f"expected {args.expect_luts}")
                failures += 1
                continue
            materialized = os.path.join(scratch, "materialized.mlir")
            run([args.opt, palettized, "--mil-materialize-constexpr", "-o",
                 materialized])
            expected = lower_and_run(materialized, "decode=per-call")
            if not expected:
                sys.exit("check_execution.py: the model printed nothing")
            for lowering in args.lowering.split(","):
                got = lower_and_run(palettized, lowering)
                tolerance = (args.fused_tolerance
                             if lowering == "decode=fused" else 0)
                worst = 0.0
                mismatch = len(got) != len(expected)
                for a, b in zip(got, expected):
                    error = abs(a - b)
                    worst = max(worst, error)
                    if error > tolerance * max(abs(a), abs(b)):
                        mismatch = True
                if mismatch:
                    print(f"{name} {lowering}: FAIL: {len(got)} values, "
                          f"expected {len(expected)}, largest difference "
                          f"{worst:g}")
                    failures += 1
                else:
                    print(f"{name} {lowering}: {len(got)} values match")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
