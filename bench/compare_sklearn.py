#!/usr/bin/python3
"""Compares palettize's k-means LUTs with coremltools' k-means settings.

For each case (element type, distribution, size, nbits) this writes one
seeded tensor to a file, then in the same run:
  * ours:    build/bin/palettize-lut on the file (fastest of 3 runs), on one
             thread and on as many threads as cores (sklearn's OpenMP uses
             every core too),
  * sklearn: KMeans(n_clusters=2^nbits, init="k-means++", n_init=1,
             tol=1e-2, random_state=0) fitted on all elements (default
             max_iter), as coremltools' palettizer configures it (one run),
and prints the time ratio (ours / sklearn) and the MSE ratio (ours /
sklearn). sklearn's centroids are rounded to the tensor's element type, as
a LUT stores them. Installs Debian's python3-sklearn when it is missing.

    bench/compare_sklearn.py [--sizes 65536,1048576] [--nbits 4,6,8]
                             [--types f16,f32] [--cluster-dim D]
"""

import argparse
import json
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


def make_tensor(np, distribution, size, seed):
    rng = np.random.default_rng(seed)
    if distribution == "gaussian":
        return rng.normal(0.0, 0.02, size)
    # Heavy-tailed: Student's t with 2 degrees of freedom.
    return rng.standard_t(2.0, size) * 0.02


def run_ours(tool, path, dtype, nbits, threads, cluster_dim=1):
    out = subprocess.run([tool, path, dtype, "kmeans", str(nbits), "3",
                          str(threads), str(cluster_dim)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_sklearn(np, values, dtype, nbits, cluster_dim=1):
    from sklearn.cluster import KMeans
    data = values.astype(np.float32).reshape(-1, cluster_dim)
    start = time.perf_counter()
    kmeans = KMeans(n_clusters=2 ** nbits, init="k-means++", n_init=1,
                    tol=1e-2, random_state=0).fit(data)
    seconds = time.perf_counter() - start
    lut = kmeans.cluster_centers_.astype(np.float16 if dtype == "f16"
                                         else np.float32)
    reconstruction = lut[kmeans.labels_].reshape(-1).astype(np.float64)
    mse = float(np.mean((values.astype(np.float64) - reconstruction) ** 2))
    return {"seconds": seconds, "mse": mse}


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
    args = parser.parse_args()

    ensure_sklearn()
    import numpy as np
    import sklearn
    import threadpoolctl

    print(f"# sklearn {sklearn.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} cores")
    cores = os.cpu_count()
    header = ("| type | distribution | n | nbits | distinct | ours 1 thread (s) "
              f"| ours {cores} threads (s) | sklearn (s) | time ratio 1 thread "
              f"| time ratio {cores} threads | ours MSE | sklearn MSE "
              "| MSE ratio |")
    print(header)
    print("|" + "---|" * 13)
    with tempfile.TemporaryDirectory() as tmp:
        for dtype in args.types.split(","):
            for distribution in args.distributions.split(","):
                for size in map(int, args.sizes.split(",")):
                    seed = size + (1 if distribution == "heavy" else 0)
                    values = make_tensor(np, distribution, size, seed)
                    values = values.astype(np.float16 if dtype == "f16"
                                           else np.float32)
                    path = os.path.join(tmp, "tensor.bin")
                    values.tofile(path)
                    for nbits in map(int, args.nbits.split(",")):
                        dim = args.cluster_dim
                        # The previous fit's OpenMP threads spin for a while
                        # after it returns, on the cores ours is about to
                        # use: let them go idle first.
                        time.sleep(1.0)
                        ours = run_ours(args.tool, path, dtype, nbits, 1, dim)
                        threaded = run_ours(args.tool, path, dtype, nbits,
                                            cores, dim)
                        theirs = run_sklearn(np, values, dtype, nbits, dim)
                        assert threaded["mse"] == ours["mse"]
                        print(f"| {dtype} | {distribution} | {size} | {nbits} "
                              f"| {ours['distinct'] or '-'} "
                              f"| {ours['seconds']:.4f} "
                              f"| {threaded['seconds']:.4f} "
                              f"| {theirs['seconds']:.3f} "
                              f"| {ours['seconds'] / theirs['seconds']:.4f} "
                              f"| {threaded['seconds'] / theirs['seconds']:.4f} "
                              f"| {ours['mse']:.4e} | {theirs['mse']:.4e} "
                              f"| {ours['mse'] / theirs['mse']:.4f} |",
                              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
