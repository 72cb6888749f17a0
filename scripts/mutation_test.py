#!/usr/bin/python3
"""Mutation testing: does the test suite notice small deliberate bugs?

    scripts/mutation-test.sh [--work DIR] [--only NAME ...] [--list]
    scripts/mutation_test.py --check

Reads scripts/mutations.txt, copies the source tree (as it is, uncommitted
changes included) to a scratch directory, builds it once and checks that
the suite passes there. Then, for each mutation alone: applies it to the
scratch copy, rebuilds incrementally (the driver, the plugin and the unit
tests), runs the whole lit suite until its first failure and restores the
file. A mutation is

  killed     when a test fails (the first failing test is named),
  survived   when every test passes,
  unbuilt    when the mutated code does not compile (a bad mutation),
  stale      when its text no longer occurs exactly once in its file.

--check builds nothing: it only checks that every mutation's text occurs
exactly once in its file (the test suite runs it, so that code moving away
from its mutations is noticed when it moves).

Survivors marked in the list as equivalent (a `?` line saying why no test
can tell them apart) are reported as such. Exits 1 if any other mutation
survived or any is stale or unbuilt.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLVM = "/usr/lib/llvm-22"
TARGETS = ["palettize-opt", "palettize-translate", "palettize-coreml",
           "PalettizePlugin", "PalettizeUnitTests",
           "PalettizeFuzzReplay"]


class Mutation:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.before = self.after = None
        self.about = ""
        self.equivalent = None


def read_mutations(path):
    """Parses the list: `== NAME: FILE`, `# what it breaks`, `- original
    text`, `+ replacement`, and optionally `? why no test can catch it`."""
    mutations, current = [], None
    for number, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if m := re.match(r"^== (\S+): (\S+)$", line):
            current = Mutation(m[1], m[2])
            mutations.append(current)
        elif current is None or not line.strip() or line.startswith(";"):
            continue
        elif line.startswith("# "):
            current.about += (" " if current.about else "") + line[2:]
        elif line.startswith("- "):
            current.before = line[2:]
        elif line.startswith("+ ") or line == "+":
            current.after = line[2:]
        elif line.startswith("? "):
            current.equivalent = line[2:]
        else:
            sys.exit(f"{path}:{number}: cannot read '{line}'")
    names = [m.name for m in mutations]
    for m in mutations:
        if m.before is None or m.after is None:
            sys.exit(f"{path}: mutation {m.name} needs a - and a + line")
        if names.count(m.name) > 1:
            sys.exit(f"{path}: mutation {m.name} is listed twice")
    return mutations


def run(command, cwd, log, timeout=None):
    with open(log, "w") as out:
        try:
            return subprocess.run(command, cwd=cwd, stdout=out,
                                  stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            out.write(f"\ntimed out after {timeout} s\n")
            return 124


def copy_tree(work):
    """Copies the tracked and new files of the source tree to work/src."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    source = os.path.join(work, "src")
    names = {name.decode() for name in files
             if name and os.path.isfile(os.path.join(ROOT, name.decode()))}
    # Files the tree no longer has (a removed test would still run).
    for directory, _, entries in os.walk(source):
        for entry in entries:
            target = os.path.join(directory, entry)
            if os.path.relpath(target, source) not in names:
                os.remove(target)
    for name in sorted(names):
        origin = os.path.join(ROOT, name)
        target = os.path.join(source, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if (not os.path.exists(target) or
                open(origin, "rb").read() != open(target, "rb").read()):
            # A fresh modification time (not the origin's, as copy2 would
            # keep): an object built from the previous copy may be newer
            # than the origin, and ninja would not rebuild it.
            shutil.copy(origin, target)
    return source


def build(source, build_dir, log):
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        if run(["cmake", "-G", "Ninja", "-S", source, "-B", build_dir,
                "-DCMAKE_BUILD_TYPE=Release",
                f"-DMLIR_DIR={LLVM}/lib/cmake/mlir",
                f"-DLLVM_EXTERNAL_LIT={LLVM}/bin/lit"], source, log):
            return False
    jobs = os.environ.get("JOBS", "2")
    return run(["cmake", "--build", build_dir, "-j", jobs, "--target"]
               + TARGETS, source, log) == 0


def run_suite(build_dir, log, stop_early=True):
    """Runs the lit suite; returns (passed, first failing test)."""
    command = [f"{LLVM}/bin/lit", "-q", os.path.join(build_dir, "test")]
    if stop_early:
        command.insert(2, "--max-failures=1")
    status = run(command, build_dir, log, timeout=1200)
    if status == 0:
        return True, None
    failing = re.findall(r"^\s+(palettize[\w-]* :: \S+)$",
                         open(log).read(), re.M)
    return False, failing[0] if failing else "(see log)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default="/tmp/palettize-mutation",
                        help="scratch directory (kept between runs, so that "
                        "rebuilds are incremental)")
    parser.add_argument("--list", action="store_true",
                        help="only list the mutations")
    parser.add_argument("--check", action="store_true",
                        help="only check that no mutation is stale")
    parser.add_argument("--only", nargs="*", default=[],
                        help="run only these mutations")
    parser.add_argument("--mutations",
                        default=os.path.join(ROOT, "scripts", "mutations.txt"))
    args = parser.parse_args()
    mutations = read_mutations(args.mutations)
    if args.only:
        unknown = set(args.only) - {m.name for m in mutations}
        if unknown:
            sys.exit(f"unknown mutations: {' '.join(sorted(unknown))}")
        mutations = [m for m in mutations if m.name in args.only]
    if args.check:
        stale = 0
        for m in mutations:
            with open(os.path.join(ROOT, m.path), encoding="utf-8") as file:
                matches = file.read().count(m.before)
            if matches != 1:
                print(f"stale: {m.name}: {m.path} has its text {matches} "
                      "times")
                stale += 1
        print(f"{len(mutations)} mutations, {stale} stale")
        return 1 if stale else 0
    if args.list:
        for m in mutations:
            print(f"{m.name:36} {m.path}: {m.about}")
        return 0

    os.makedirs(args.work, exist_ok=True)
    source = copy_tree(args.work)
    build_dir = os.path.join(args.work, "build")
    logs = os.path.join(args.work, "logs")
    os.makedirs(logs, exist_ok=True)
    print(f"{len(mutations)} mutations; scratch copy in {args.work}",
          flush=True)
    if not build(source, build_dir, os.path.join(logs, "baseline-build.log")):
        sys.exit("the unmutated tree does not build; see "
                 f"{logs}/baseline-build.log")
    passed, failing = run_suite(build_dir,
                                os.path.join(logs, "baseline-test.log"),
                                stop_early=False)
    if not passed:
        sys.exit(f"the unmutated tree fails {failing}; see "
                 f"{logs}/baseline-test.log")

    results = {}
    for index, m in enumerate(mutations, 1):
        path = os.path.join(source, m.path)
        original = open(path).read() if os.path.exists(path) else ""
        start = time.time()
        if original.count(m.before) != 1:
            results[m.name] = ("stale", f"{original.count(m.before)} matches")
        else:
            try:
                with open(path, "w") as out:
                    out.write(original.replace(m.before, m.after))
                log = os.path.join(logs, m.name + ".log")
                if not build(source, build_dir, log):
                    results[m.name] = ("unbuilt", f"see {log}")
                else:
                    passed, failing = run_suite(build_dir, log)
                    results[m.name] = (("survived", "") if passed else
                                       ("killed", failing))
            finally:
                with open(path, "w") as out:
                    out.write(original)
        outcome, detail = results[m.name]
        if outcome == "survived" and m.equivalent:
            outcome, detail = "equivalent", m.equivalent
            results[m.name] = (outcome, detail)
        print(f"[{index}/{len(mutations)}] {m.name}: {outcome} "
              f"{detail} ({time.time() - start:.0f} s)", flush=True)
    # Leave the scratch build unmutated for the next run.
    build(source, build_dir, os.path.join(logs, "restore-build.log"))

    counts = {}
    for outcome, _ in results.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    print()
    print(", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
          + f" of {len(mutations)} mutations")
    bad = [m for m in mutations
           if results[m.name][0] in ("survived", "stale", "unbuilt")]
    for m in mutations:
        outcome, detail = results[m.name]
        if outcome in ("survived", "equivalent", "stale", "unbuilt"):
            print(f"  {outcome}: {m.name} ({m.path}): {m.about}"
                  + (f" [{detail}]" if detail else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
