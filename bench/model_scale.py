#!/usr/bin/python3
"""Measures palettize-weights on whole models against mlir-opt's own I/O.

    bench/model_scale.py [--configs 100M:f16,100M:f32,1B:f16] [--work DIR]

For each configuration this generates a model (bench/make_model.py, as
bytecode), then measures, one after the other:
  (a) the stock mlir-opt reading the bytecode and writing it back, no pass;
  (b) palettize-opt with palettize-weights in kmeans nbits=4, kmeans nbits=6
      and uniform nbits=8, writing bytecode, and with nbits=auto (a budget of
      4 bits per weight, and min-snr=20), whose time is also given against
      kmeans nbits=4's;
  (c) the pass itself (from -mlir-timing) with 1 thread and with all cores.
Each command runs --repeats times (default 3) and the fastest run is
reported; wall time, CPU time and peak RSS come from getrusage of a process
that runs only that command. Prints a Markdown table with the
ratios (b)/(a), the thread speed-up, and the output size against the
information content P * nbits / 8.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MLIR_OPT = "/usr/lib/llvm-22/bin/mlir-opt"
PALETTIZE_OPT = os.path.join(ROOT, "build", "bin", "palettize-opt")


REPEATS = 3


def measure(command):
    """Runs `command` REPEATS times, each in a child of a fresh process;
    returns the fastest run's wall and CPU seconds, the peak RSS in bytes
    and stderr (the machine is shared, so the fastest run is the one least
    disturbed)."""
    runs = [measure_once(command) for _ in range(REPEATS)]
    wall, cpu, _, report = min(runs, key=lambda run: run[0])
    return wall, cpu, max(run[2] for run in runs), report


def measure_once(command):
    """Runs `command` in a child of a fresh process; returns its wall and
    CPU seconds, peak RSS in bytes and stderr."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
        " stderr=subprocess.PIPE, text=True)\n"
        "wall = time.perf_counter() - start\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,"
        " done.returncode)\n")
    result = subprocess.run([sys.executable, "-c", probe] + command,
                            capture_output=True, text=True)
    wall, cpu, rss, code = result.stdout.split()
    if int(code) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    return float(wall), float(cpu), int(rss), result.stderr


def pass_seconds(timing_report):
    """Wall seconds of palettize-weights in an -mlir-timing report."""
    match = re.search(r"^\s*([0-9.]+) \([ 0-9.]+%\)\s+PalettizeWeights",
                      timing_report, re.M)
    return float(match.group(1)) if match else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="100M:f16,100M:f32,1B:f16")
    parser.add_argument("--work", default="/tmp/palettize-scale")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per command; the fastest is reported")
    args = parser.parse_args()
    global REPEATS
    REPEATS = args.repeats
    os.makedirs(args.work, exist_ok=True)

    print(f"# {os.cpu_count()} cores; times in s, RSS in MB; "
          "ratios against the mlir-opt round trip of the same file")
    print("| model | run | wall | CPU | peak RSS | wall ratio | RSS ratio "
          "| output MB | P*nbits/8 MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for config in args.configs.split(","):
        params, dtype = config.split(":")
        stem = os.path.join(args.work, f"model-{params}-{dtype}")
        model = stem + ".mlirbc"
        if not os.path.exists(model):
            subprocess.run([sys.executable,
                            os.path.join(ROOT, "bench", "make_model.py"),
                            "--params", params, "--dtype", dtype, "--out", stem,
                            "--bytecode"], check=True)
            os.remove(stem + ".mlir")
        count = int(open(stem + ".params").read())
        base = measure([MLIR_OPT, model, "-emit-bytecode", "-o",
                        stem + ".roundtrip.mlirbc"])
        size = os.path.getsize(model) / 1e6
        print(f"| {params} {dtype} ({size:.0f} MB) | mlir-opt round trip "
              f"| {base[0]:.2f} | {base[1]:.2f} | {base[2] / 1e6:.0f} "
              f"| 1.00 | 1.00 | {os.path.getsize(stem + '.roundtrip.mlirbc') / 1e6:.0f} | |",
              flush=True)
        runs = [("kmeans nbits=4", "mode=kmeans nbits=4", 4),
                ("kmeans nbits=6", "mode=kmeans nbits=6", 6),
                ("uniform nbits=8", "mode=uniform nbits=8", 8),
                ("kmeans nbits=auto bits-per-weight=4",
                 "mode=kmeans nbits=auto bits-per-weight=4", 4),
                ("kmeans nbits=auto min-snr=20",
                 "mode=kmeans nbits=auto min-snr=20", None)]
        kmeans4 = None
        for label, options, nbits in runs:
            out = f"{stem}.{label.replace(' ', '-')}.mlirbc"
            wall, cpu, rss, _ = measure([
                PALETTIZE_OPT, model, f"--palettize-weights={options}",
                "-emit-bytecode", "-o", out])
            kmeans4 = kmeans4 or wall
            against = (f" ({wall / kmeans4:.2f}x kmeans nbits=4)"
                       if "auto" in label else "")
            information = f"{count * nbits / 8 / 1e6:.1f}" if nbits else ""
            print(f"| | {label} | {wall:.2f}{against} | {cpu:.2f} "
                  f"| {rss / 1e6:.0f} "
                  f"| {wall / base[0]:.2f} | {rss / base[2]:.2f} "
                  f"| {os.path.getsize(out) / 1e6:.1f} "
                  f"| {information} |", flush=True)
        timings = []
        for threading in (["--mlir-disable-threading"], []):
            _, _, _, report = measure(
                [PALETTIZE_OPT, model, "--palettize-weights=nbits=4",
                 "-mlir-timing", "-emit-bytecode", "-o", os.devnull]
                + threading)
            timings.append(pass_seconds(report))
        print(f"| | pass alone, kmeans nbits=4: 1 thread {timings[0]:.2f} s, "
              f"all cores {timings[1]:.2f} s, speed-up "
              f"{timings[0] / timings[1]:.2f}x | | | | | | | |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
