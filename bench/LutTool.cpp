//===- LutTool.cpp - Build one LUT from a raw tensor file -----------------===//
//
//   palettize-lut FILE {f16|bf16|f32} {kmeans|uniform|unique} NBITS
//                 [REPEATS [THREADS [CLUSTER_DIM [GROUPS]]]]
//
// Reads FILE as little-endian elements, builds the LUT REPEATS times (3 by
// default) with THREADS threads (1 by default: the calling thread only) and,
// with CLUSTER_DIM > 1, as vectors of that many consecutive values (with
// GROUPS > 1, the file is [rows, GROUPS * CLUSTER_DIM] and each column block
// of CLUSTER_DIM values is one group with its own LUT), and
// prints one JSON line: the fastest wall time of the LUT computation in
// seconds, the reconstruction's MSE, max error and SNR, the number of
// distinct values and the status.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/Metrics.h"

#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

using namespace palettize;

static int usage() {
  std::fprintf(stderr, "usage: palettize-lut FILE {f16|bf16|f32} "
                       "{kmeans|uniform|unique} NBITS [REPEATS [THREADS "
                       "[CLUSTER_DIM [GROUPS]]]]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 9)
    return usage();
  const std::string type = argv[2], mode = argv[3];
  FloatFormat format;
  if (type == "f16")
    format = FloatFormat::F16;
  else if (type == "bf16")
    format = FloatFormat::BF16;
  else if (type == "f32")
    format = FloatFormat::F32;
  else
    return usage();
  LutConfig config;
  std::optional<LutMode> lutMode = parseLutMode(mode);
  if (!lutMode)
    return usage();
  config.mode = *lutMode;
  config.nbits = unsigned(std::atoi(argv[4]));
  const int repeats = argc >= 6 ? std::max(1, std::atoi(argv[5])) : 3;
  const unsigned threads =
      argc >= 7 ? unsigned(std::max(1, std::atoi(argv[6]))) : 1;
  const int64_t clusterDim = argc >= 8 ? std::max(1, std::atoi(argv[7])) : 1;
  const int64_t groups = argc == 9 ? std::max(1, std::atoi(argv[8])) : 1;
  std::optional<llvm::DefaultThreadPool> pool;
  if (threads > 1) {
    pool.emplace(llvm::hardware_concurrency(threads));
    config.kmeans.parallelFor = [&](size_t count,
                                    llvm::function_ref<void(size_t)> task) {
      llvm::ThreadPoolTaskGroup group(*pool);
      for (size_t i = 0; i < count; ++i)
        group.async([task, i] { task(i); });
      group.wait();
    };
  }

  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "palettize-lut: cannot read %s\n", argv[1]);
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                          std::istreambuf_iterator<char>());
  const size_t width = getByteWidth(format);
  const size_t count = bytes.size() / width;

  double best = 1e300;
  if (clusterDim > 1) {
    // The file as [count / (g d), g d]: g groups of d-vectors along axis 1.
    const int64_t shape[] = {int64_t(count) / (groups * clusterDim),
                             groups * clusterDim};
    const Tiling tiling{1, groups > 1 ? clusterDim : 0, clusterDim};
    LutResult vectors;
    for (int r = 0; r < repeats; ++r) {
      auto start = std::chrono::steady_clock::now();
      vectors =
          buildLut(config, TensorView(bytes.data(), format, shape), tiling);
      std::chrono::duration<double> elapsed =
          std::chrono::steady_clock::now() - start;
      best = std::min(best, elapsed.count());
    }
    if (vectors.status != LutStatus::Success) {
      std::printf("{\"status\": \"failed\", \"code\": %d}\n",
                  int(vectors.status));
      return 1;
    }
    long double squared = 0; // exact enough that equal LUTs give equal MSEs
    const size_t used = size_t(shape[0] * shape[1]);
    const size_t paletteValues =
        (size_t(1) << vectors.getIndexBitWidth()) * size_t(clusterDim);
    for (size_t e = 0; e < used; ++e) {
      const double value =
          format == FloatFormat::F32
              ? double(reinterpret_cast<const float *>(bytes.data())[e])
              : double(narrowToFloat(
                    reinterpret_cast<const uint16_t *>(bytes.data())[e],
                    format));
      // Element e is in group (e % (g d)) / d, vector e / d.
      const size_t group = e % size_t(shape[1]) / size_t(clusterDim);
      const double decoded =
          vectors.entries[(groups > 1 ? group * paletteValues : 0) +
                          vectors.indices[e / clusterDim] * clusterDim +
                          e % clusterDim];
      squared += (value - decoded) * (value - decoded);
    }
    std::printf("{\"status\": \"ok\", \"seconds\": %.9g, \"mse\": %.17g, "
                "\"distinct\": 0, \"nbits\": %u, \"threads\": %u}\n",
                best, double(squared / (long double)used),
                vectors.getIndexBitWidth(), threads);
    return 0;
  }
  LutResult lut;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    lut = buildLut(config, TensorView(bytes.data(), format, {int64_t(count)}));
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  if (lut.status != LutStatus::Success) {
    std::printf("{\"status\": \"failed\", \"code\": %d}\n", int(lut.status));
    return 1;
  }
  ReconstructionError error;
  if (format == FloatFormat::F32) {
    error =
        measureError(llvm::ArrayRef<float>(
                         reinterpret_cast<const float *>(bytes.data()), count),
                     lut.entries, lut.indices);
  } else {
    error = measureError(
        llvm::ArrayRef<uint16_t>(
            reinterpret_cast<const uint16_t *>(bytes.data()), count),
        format, lut.entries, lut.indices);
  }
  std::printf("{\"status\": \"ok\", \"seconds\": %.9g, \"mse\": %.17g, "
              "\"max_abs_error\": %.9g, \"snr_db\": %.6g, \"distinct\": %zu, "
              "\"nbits\": %u, \"threads\": %u}\n",
              best, error.meanSquaredError, error.maxAbsError, error.snrDb,
              lut.distinctCount, lut.getIndexBitWidth(), threads);
  return 0;
}
