#!/usr/bin/python3
"""Compares palettize's k-means LUTs with coremltools' k-means settings.

For each case this writes one seeded tensor to a file, then in the same run,
one after the other:
  * ours:    build/bin/palettize-lut on the file (fastest of the repeats), on
             one thread and on as many threads as cores (sklearn's OpenMP
             uses every core),
  * sklearn: KMeans(n_clusters=2^nbits, init="k-means++", n_init=1,
             tol=1e-2, random_state=0) fitted on all elements (vectors),
             default max_iter, as coremltools' palettizer configures it
             (fastest of the repeats),
and prints the time ratio (ours on one thread / sklearn) and the MSE ratio
(ours / sklearn). sklearn's centroids are rounded to the tensor's element
type, as a LUT stores them. Installs Debian's python3-sklearn when missing.

    bench/compare_sklearn.py [--sizes 65536,1048576] [--nbits 4,6,8]
                             [--types f16,f32] [--cluster-dim D]
    bench/compare_sklearn.py --suite vector [--tool PATH]

Without --suite, the cases are the cross product of the options; --sizes
counts elements (vectors of --cluster-dim values: sizes / D of them).

--suite vector (vector palettization; sizes count vectors) runs:
  * every type (f16, f32) x distribution (gaussian: N(0, 0.02); heavy:
    Student's t with 2 degrees of freedom x 0.02; mixture: each vector from
    one of two equally likely blobs at +-0.05 in every coordinate, sd 0.01)
    x cluster-dim (2, 4, 8) x nbits (1, 2, 3, 4, 6, 8) at 4,096 vectors and
    at 65,536 vectors (216 cases);
  * at 262,144 vectors, 15 cases: every cluster-dim x nbits 2, 4, 8 on
    f32 gaussian, and one each per dim of f16 heavy (nbits 6) and f16
    mixture (nbits 3);
  * at 1,048,576 vectors, 7 cases spread over types, distributions, dims
    and nbits (up to dim 8 at nbits 6 and dim 2 at nbits 8);
  * per-grouped-channel: 4 cases of [rows, 8 * D] tensors with one LUT per
    column block of D values (8 groups of 16,384 or 65,536 vectors each).
Every value of every dimension appears at the small sizes; the larger
sizes are where the time target applies. On the 2-core machine the suite
takes about 13 minutes (242 cases), most of it in sklearn's runs on the
largest cases.
Cases under 262,144 vectors are repeated 3 times (fastest kept), larger
ones run once, on both sides.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        subprocess.run(["apt-get", "install", "-y", "-qq", "python3-sklearn"],
                       check=True)


def make_tensor(np, distribution, size, seed, dim=1):
    rng = np.random.default_rng(seed)
    if distribution == "gaussian":
        return rng.normal(0.0, 0.02, size)
    if distribution == "mixture":
        # Two blobs of vectors of `dim` values.
        vectors = size // dim
        sign = np.where(rng.random(vectors) < 0.5, -1.0, 1.0)
        blob = np.repeat(sign * 0.05, dim)
        return blob + rng.normal(0.0, 0.01, size)
    # Heavy-tailed: Student's t with 2 degrees of freedom.
    return rng.standard_t(2.0, size) * 0.02


def run_ours(tool, path, dtype, nbits, threads, cluster_dim=1, groups=1,
             repeats=3):
    out = subprocess.run([tool, path, dtype, "kmeans", str(nbits),
                          str(repeats), str(threads), str(cluster_dim),
                          str(groups)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_sklearn(np, values, dtype, nbits, cluster_dim=1, groups=1,
                repeats=1):
    """Fits each group's vectors; returns the summed time and the MSE."""
    from sklearn.cluster import KMeans
    data = values.astype(np.float32).reshape(-1, groups, cluster_dim)
    lut_type = np.float16 if dtype == "f16" else np.float32
    best = float("inf")
    for _ in range(repeats):
        seconds = 0.0
        squared = 0.0
        for group in range(groups):
            vectors = np.ascontiguousarray(data[:, group, :])
            start = time.perf_counter()
            kmeans = KMeans(n_clusters=2 ** nbits, init="k-means++",
                            n_init=1, tol=1e-2, random_state=0).fit(vectors)
            seconds += time.perf_counter() - start
            lut = kmeans.cluster_centers_.astype(lut_type).astype(np.float64)
            exact = values.reshape(-1, groups, cluster_dim)[:, group, :]
            # Summed exactly, as the tool sums: equal LUTs give equal MSEs.
            squared += math.fsum(((exact.astype(np.float64) -
                                   lut[kmeans.labels_]) ** 2).ravel())
        best = min(best, seconds)
    return {"seconds": best, "mse": squared / values.size}


def vector_suite():
    """(type, distribution, vectors, dim, nbits, groups) of --suite vector."""
    cases = []
    for vectors in (4096, 65536):
        for dtype in ("f16", "f32"):
            for distribution in ("gaussian", "heavy", "mixture"):
                for dim in (2, 4, 8):
                    for nbits in (1, 2, 3, 4, 6, 8):
                        cases.append((dtype, distribution, vectors, dim,
                                      nbits, 1))
    for dim in (2, 4, 8):
        for nbits in (2, 4, 8):
            cases.append(("f32", "gaussian", 262144, dim, nbits, 1))
        cases.append(("f16", "heavy", 262144, dim, 6, 1))
        cases.append(("f16", "mixture", 262144, dim, 3, 1))
    cases += [
        ("f16", "gaussian", 1048576, 2, 4, 1),
        ("f32", "gaussian", 1048576, 2, 8, 1),
        ("f32", "heavy", 1048576, 4, 2, 1),
        ("f16", "heavy", 1048576, 4, 6, 1),
        ("f32", "mixture", 1048576, 8, 1, 1),
        ("f16", "mixture", 1048576, 8, 4, 1),
        ("f32", "gaussian", 1048576, 8, 6, 1),
        # Per-grouped-channel: 8 groups of `vectors / 8` vectors each.
        ("f16", "gaussian", 131072, 2, 4, 8),
        ("f32", "heavy", 131072, 4, 6, 8),
        ("f32", "gaussian", 524288, 2, 6, 8),
        ("f16", "mixture", 524288, 8, 3, 8),
    ]
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="65536,1048576")
    parser.add_argument("--nbits", default="4,6,8")
    parser.add_argument("--types", default="f16,f32")
    parser.add_argument("--distributions", default="gaussian,heavy")
    parser.add_argument("--tool", default=os.path.join(ROOT, "build", "bin",
                                                       "palettize-lut"))
    parser.add_argument("--cluster-dim", type=int, default=1,
                        help="cluster vectors of this many consecutive "
                        "values (vector palettization)")
    parser.add_argument("--suite", choices=["vector"],
                        help="run a predefined suite instead of the cross "
                        "product of the options (see the docstring)")
    args = parser.parse_args()

    ensure_sklearn()
    import numpy as np
    import sklearn

    if args.suite == "vector":
        # Sizes count vectors.
        cases = [(t, dist, n * d, d, b, g)
                 for t, dist, n, d, b, g in vector_suite()]
    else:
        cases = [(t, dist, size, args.cluster_dim, b, 1)
                 for t in args.types.split(",")
                 for dist in args.distributions.split(",")
                 for size in map(int, args.sizes.split(","))
                 for b in map(int, args.nbits.split(","))]

    print(f"# sklearn {sklearn.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} cores")
    cores = os.cpu_count()
    header = ("| type | distribution | vectors | dim | groups | nbits | distinct "
              f"| ours 1 thread (s) | ours {cores} threads (s) "
              "| sklearn (s) | time ratio 1 thread "
              f"| time ratio {cores} threads | ours MSE | sklearn MSE "
              "| MSE ratio |")
    print(header)
    print("|" + "---|" * 15)
    started = time.perf_counter()
    worst_mse = worst_time = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tensor.bin")
        for dtype, distribution, size, dim, nbits, groups in cases:
            seed = size + {"gaussian": 0, "heavy": 1, "mixture": 2}[
                distribution] + 10 * dim
            values = make_tensor(np, distribution, size, seed, dim)
            values = values.astype(np.float16 if dtype == "f16"
                                   else np.float32)
            values.tofile(path)
            vectors = size // dim
            repeats = 3 if vectors < 262144 else 1
            # The previous fit's OpenMP threads spin for a while after it
            # returns, on the cores ours is about to use: let them go idle.
            time.sleep(0.5 if vectors < 262144 else 1.0)
            ours = run_ours(args.tool, path, dtype, nbits, 1, dim, groups,
                            repeats)
            threaded = run_ours(args.tool, path, dtype, nbits, cores, dim,
                                groups, repeats)
            theirs = run_sklearn(np, values, dtype, nbits, dim, groups,
                                 repeats)
            assert threaded["mse"] == ours["mse"], "thread count changed it"
            time_ratio = ours["seconds"] / theirs["seconds"]
            mse_ratio = ours["mse"] / theirs["mse"]
            worst_mse = max(worst_mse, mse_ratio)
            if vectors >= 65536:
                worst_time = max(worst_time, time_ratio)
            print(f"| {dtype} | {distribution} | {size // dim} "
                  f"| {dim} | {groups} | {nbits} "
                  f"| {ours['distinct'] or '-'} "
                  f"| {ours['seconds']:.4f} "
                  f"| {threaded['seconds']:.4f} "
                  f"| {theirs['seconds']:.4f} "
                  f"| {time_ratio:.4f} "
                  f"| {threaded['seconds'] / theirs['seconds']:.4f} "
                  f"| {ours['mse']:.4e} | {theirs['mse']:.4e} "
                  f"| {mse_ratio:.4f} |", flush=True)
    print(f"# {len(cases)} cases in {time.perf_counter() - started:.0f} s; "
          f"largest MSE ratio {worst_mse:.4f}, largest time ratio (1 thread, "
          f"64K vectors or more) {worst_time:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
