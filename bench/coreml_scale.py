#!/usr/bin/python3
"""Measures palettize-coreml on large Core ML packages against copying them.

    bench/coreml_scale.py [--sizes 1B,7B] [--work DIR] [--repeats 1]

For each size this writes a synthetic fp16 package
(bench/make_coreml_package.py) into --work, then measures, one after the
other and each in a process of its own:
  (a) `cp -r IN OUT && sync`: reading and writing the package, the floor;
  (b) `palettize-coreml IN -o OUT --palettize-weights="mode=kmeans nbits=4"`
      followed by `sync`, and the same with nbits=6.
Wall time covers the sync, so that written data reaches the disk in both.
Peak RSS is the child's ru_maxrss (VmHWM: file-backed pages of mapped files
included). The page cache is dropped before each run when the process may
(root), so that every run reads the input from the disk; the table says
whether it was. Prints a Markdown table with the ratios (b)/(a) and the
peak RSS against the weight file.
"""

import argparse
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, "build", "bin", "palettize-coreml")
MAKE = os.path.join(ROOT, "bench", "make_coreml_package.py")


def drop_caches():
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def measure_once(command):
    """Runs `command` (a shell line) in a child of a fresh process; returns
    its wall seconds and peak RSS in bytes."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(['/bin/sh', '-c', sys.argv[1]],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
        "wall = time.perf_counter() - start\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(wall, usage.ru_maxrss * 1024, done.returncode)\n")
    result = subprocess.run([sys.executable, "-c", probe, command],
                            capture_output=True, text=True)
    wall, rss, code = result.stdout.split()
    if int(code) != 0:
        sys.exit(f"failed: {command}\n{result.stderr}")
    return float(wall), int(rss)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1B,7B")
    parser.add_argument("--work", default="/tmp/palettize-coreml-scale")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    print(f"# {os.cpu_count()} cores; times in s, RSS in MB")
    print("| package | run | wall | peak RSS | wall ratio | RSS / weight file "
          "| output MB | cold cache |")
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        package = os.path.join(args.work, f"synthetic-{size}.mlpackage")
        if not os.path.exists(package):
            subprocess.run([sys.executable, MAKE, package, "--params", size],
                           check=True, stdout=subprocess.DEVNULL)
        weight_file = os.path.join(package, "Data", "com.apple.CoreML",
                                   "weights", "weight.bin")
        weight_bytes = os.path.getsize(weight_file)
        out = os.path.join(args.work, "out.mlpackage")
        runs = [("cp -r && sync", f"cp -r {package} {out} && sync")]
        for nbits in (4, 6):
            runs.append((f"kmeans nbits={nbits}",
                         f"{TOOL} {package} -o {out} --quiet "
                         f"--palettize-weights='mode=kmeans nbits={nbits}' "
                         f"&& sync"))
        base = None
        for label, command in runs:
            best = None
            for _ in range(args.repeats):
                shutil.rmtree(out, ignore_errors=True)
                cold = drop_caches()
                wall, rss = measure_once(command)
                if best is None or wall < best[0]:
                    best = (wall, rss)
            output_mb = sum(os.path.getsize(os.path.join(d, f))
                            for d, _, files in os.walk(out)
                            for f in files) / 1e6
            shutil.rmtree(out, ignore_errors=True)
            if base is None:
                base = best[0]
            print(f"| {size} fp16 ({weight_bytes / 1e6:.0f} MB) | {label} "
                  f"| {best[0]:.2f} | {best[1] / 1e6:.0f} "
                  f"| {best[0] / base:.2f} | {best[1] / weight_bytes:.2f} "
                  f"| {output_mb:.0f} | {'yes' if cold else 'no'} |",
                  flush=True)


if __name__ == "__main__":
    main()
