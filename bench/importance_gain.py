#!/usr/bin/python3
"""What importance-weighted k-means buys, and what it costs.

For a model and an importance file, and each nbits, this palettizes the
model with and without `importance=` (palettize-opt, fastest of 3 runs
each, interleaved), decodes both outputs (mil-materialize-constexpr) and
computes with numpy, over the constants the file weighs:

  weighted:  sum imp (w - decoded)^2 of each output, and their ratio
             (with importance / without: below 1 is the gain);
  plain:     sum (w - decoded)^2 of each (the plain error it gives up);
  time:      the run with importance over the run without.

    bench/importance_gain.py MODEL.mlir (IMPORTANCE.safetensors | --squared)
                             [--nbits 2,3,4] [--options "granularity=..."]

--squared weighs every named weight of rank >= 2 by its own square
(imp = w^2), written to a temporary file: importances that single out
values, for comparison with a file's.
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPT = os.path.join(ROOT, "build", "bin", "palettize-opt")
TYPES = {"f16": np.float16, "f32": np.float32}


def read_safetensors(path):
    content = open(path, "rb").read()
    (length,) = struct.unpack("<Q", content[:8])
    header = json.loads(content[8:8 + length])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = content[8 + length + begin:8 + length + end]
        if entry["dtype"] == "BF16":
            values = (np.frombuffer(raw, np.uint16).astype(np.uint32)
                      << 16).view(np.float32)
        else:
            values = np.frombuffer(raw, {"F32": np.float32,
                                         "F16": np.float16}[entry["dtype"]])
        tensors[name] = values.astype(np.float64).reshape(entry["shape"])
    return tensors


def decode(raw, type_name):
    if type_name == "bf16":
        return (np.frombuffer(raw, np.uint16).astype(np.uint32)
                << 16).view(np.float32).astype(np.float64)
    return np.frombuffer(raw, TYPES[type_name]).astype(np.float64)


def write_safetensors(path, tensors):
    """Writes float64 arrays by name as an F32 safetensors file."""
    header, data = {}, b""
    for name, values in tensors.items():
        raw = values.astype(np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(values.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def constants(text, names=None):
    """The named constants' values in printed MLIR (all of rank >= 2 when
    `names` is None): dense_resource blobs of a `mil.const "name"` or of a
    constant located at loc("name")."""
    blobs = {m[1]: bytes.fromhex(m[2])[4:] for m in
             re.finditer(r'^\s*([\w.]+): "0x([0-9A-F]+)"', text, re.M)}
    aliases = dict(re.findall(r'^(#loc\d*) = loc\("([^"]+)"\)', text, re.M))
    found = {}
    for line in text.splitlines():
        m = re.search(r'mil\.const "([^"]+)" dense_resource<([^>]+)> : '
                      r'tensor<([0-9x]+)x(\w+)>', line)
        if not m:
            m2 = re.search(r'dense_resource<([^>]+)> : tensor<([0-9x]+)x(\w+)>'
                           r'.*loc\((?:"([^"]+)"|(#loc\d*))\)', line)
            if not m2:
                continue
            key, shape, type_name, name, alias = m2.groups()
            name = name or aliases.get(alias)
        else:
            name, key, shape, type_name = m.groups()
        dims = [int(d) for d in shape.split("x")]
        wanted = len(dims) >= 2 if names is None else name in names
        if name and wanted and key in blobs:
            found[name] = decode(blobs[key], type_name).reshape(dims)
    return found


def run(args):
    start = time.perf_counter()
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("importance", nargs="?")
    parser.add_argument("--squared", action="store_true")
    parser.add_argument("--nbits", default="2,3,4")
    parser.add_argument("--options", default="")
    args = parser.parse_args()
    if bool(args.importance) == args.squared:
        parser.error("give an importance file or --squared, not both")
    hex_print = "--mlir-print-elementsattrs-with-hex-if-larger=0"
    with tempfile.TemporaryDirectory() as work:
        original_path = os.path.join(work, "original.mlir")
        subprocess.run([OPT, args.model, hex_print, "-mlir-print-debuginfo",
                        "-o", original_path],
                       check=True)
        text = open(original_path).read()
        if args.squared:
            args.importance = os.path.join(work, "squared.safetensors")
            write_safetensors(args.importance,
                              {n: v * v for n, v in constants(text).items()})
        importance = read_safetensors(args.importance)
        original = constants(text, set(importance))
        print(f"{args.model}: {len(original)} weighed constants, "
              f"{sum(v.size for v in original.values())} weights")
        print(f"{'nbits':>5} {'weighted: plain':>16} {'weighted':>10} "
              f"{'ratio':>6} {'plain: plain':>13} {'weighted':>10} "
              f"{'time ratio':>10}")
        for nbits in args.nbits.split(","):
            base = f"nbits={nbits} {args.options}".strip()
            outputs, times = {}, {"plain": [], "weighted": []}
            for _ in range(3):
                for kind in ("plain", "weighted"):
                    options = base if kind == "plain" else \
                        f"{base} importance={args.importance}"
                    out = os.path.join(work, f"{kind}.mlir")
                    times[kind].append(run(
                        [OPT, args.model, f"--palettize-weights={options}",
                         "-o", out]))
                    outputs[kind] = out
            errors = {}
            for kind, path in outputs.items():
                decoded_path = path + ".decoded.mlir"
                subprocess.run([OPT, path, "--mil-materialize-constexpr="
                                "max-dense-elements=0", hex_print, "-o",
                                decoded_path], check=True)
                decoded = constants(open(decoded_path).read(), set(original))
                weighted = plain = 0.0
                for name, w in original.items():
                    if name not in decoded:
                        continue  # left alone (small): no error either way
                    e = w - decoded[name]
                    weighted += float(np.sum(importance[name] * e * e))
                    plain += float(np.sum(e * e))
                errors[kind] = (weighted, plain)
            ratio = errors["weighted"][0] / errors["plain"][0]
            time_ratio = min(times["weighted"]) / min(times["plain"])
            print(f"{nbits:>5} {errors['plain'][0]:16.4e} "
                  f"{errors['weighted'][0]:10.4e} {ratio:6.3f} "
                  f"{errors['plain'][1]:13.4e} {errors['weighted'][1]:10.4e} "
                  f"{time_ratio:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
