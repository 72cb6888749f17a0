#!/usr/bin/env python3
"""Prints the bytes of constant data in an object file (the sections whose
names start with .rodata or .lrodata, as `llvm-size -A` lists them) and
checks them against a range.

Usage: constant_bytes.py OBJ.o --llvm-size PATH [--at-least N] [--at-most N]
"""

import argparse
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("object")
    parser.add_argument("--llvm-size", default="llvm-size")
    parser.add_argument("--at-least", type=int, default=0)
    parser.add_argument("--at-most", type=int, default=None)
    args = parser.parse_args()
    listing = subprocess.run([args.llvm_size, "-A", args.object],
                             capture_output=True, text=True, check=True)
    total = 0
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0].startswith((".rodata", ".lrodata")):
            total += int(fields[1])
    print(f"constant data: {total} bytes")
    if total < args.at_least or (args.at_most is not None and
                                 total > args.at_most):
        print(f"constant_bytes.py: expected between {args.at_least} and "
              f"{args.at_most} bytes", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
