//===- LutBenchmark.cpp - Speed and memory of the LUT library -------------===//
//
// Every mode and bit width on tensors of 64K, 1M and 16M elements, f16 and
// f32, Gaussian and heavy-tailed (Student's t, 2 degrees of freedom). Besides
// time, each benchmark reports `peak_extra_bytes`: the most heap memory the
// LUT computation held at once beyond its input, tracked by replacing the
// global allocation functions, and `bytes_per_element` of that.
//
//   build/bench/palettize-lut-benchmark --benchmark_filter=kmeans/f16
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/LutBuilder.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <random>

using namespace palettize;

//===----------------------------------------------------------------------===//
// Heap tracking
//===----------------------------------------------------------------------===//

namespace {
std::atomic<int64_t> currentBytes{0}, peakBytes{0};

void *trackedAllocate(size_t size) {
  // Keep the size in front of the block so that delete can subtract it.
  void *block = std::malloc(size + 16);
  if (!block)
    throw std::bad_alloc();
  *static_cast<size_t *>(block) = size;
  int64_t now = currentBytes += int64_t(size);
  int64_t peak = peakBytes.load();
  while (now > peak && !peakBytes.compare_exchange_weak(peak, now)) {
  }
  return static_cast<char *>(block) + 16;
}

void trackedFree(void *pointer) {
  if (!pointer)
    return;
  void *block = static_cast<char *>(pointer) - 16;
  currentBytes -= int64_t(*static_cast<size_t *>(block));
  std::free(block);
}
} // namespace

void *operator new(size_t size) { return trackedAllocate(size); }
void *operator new[](size_t size) { return trackedAllocate(size); }
void operator delete(void *pointer) noexcept { trackedFree(pointer); }
void operator delete[](void *pointer) noexcept { trackedFree(pointer); }
void operator delete(void *pointer, size_t) noexcept { trackedFree(pointer); }
void operator delete[](void *pointer, size_t) noexcept { trackedFree(pointer); }

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

namespace {

enum Distribution { Gaussian, HeavyTailed };

/// The benchmark tensors, made once per (size, distribution).
const std::vector<float> &tensor(size_t size, Distribution distribution) {
  static std::map<std::pair<size_t, int>, std::vector<float>> cache;
  auto &values = cache[{size, int(distribution)}];
  if (values.empty()) {
    std::mt19937 rng(unsigned(size) * 2 + distribution);
    values.resize(size);
    if (distribution == Gaussian) {
      std::normal_distribution<float> dist(0, 0.02f);
      for (float &value : values)
        value = dist(rng);
    } else {
      std::student_t_distribution<float> dist(2.0f);
      for (float &value : values)
        value = dist(rng) * 0.02f;
    }
  }
  return values;
}

const std::vector<uint16_t> &halfTensor(size_t size,
                                        Distribution distribution) {
  static std::map<std::pair<size_t, int>, std::vector<uint16_t>> cache;
  auto &bits = cache[{size, int(distribution)}];
  if (bits.empty())
    for (float value : tensor(size, distribution))
      bits.push_back(floatToHalf(value));
  return bits;
}

/// Importances for the weighted benchmarks: exponential, so that some
/// elements weigh far more than others.
const std::vector<float> &importance(size_t size) {
  static std::map<size_t, std::vector<float>> cache;
  auto &values = cache[size];
  if (values.empty()) {
    std::mt19937 rng(unsigned(size) + 7);
    std::exponential_distribution<float> dist(1.0f);
    values.resize(size);
    for (float &value : values)
      value = dist(rng);
  }
  return values;
}

/// Builds the LUT of one tensor of state.range(0) elements at nbits
/// state.range(1); with `weighted`, weighted by importance(); with
/// `vectorSize` > 1, as vectors of that many elements (shape [n / d, d]).
void runLut(benchmark::State &state, LutMode mode, FloatFormat format,
            Distribution distribution, bool weighted = false,
            int64_t vectorSize = 1) {
  const size_t size = size_t(state.range(0));
  LutConfig config{mode, unsigned(state.range(1)), {}};
  const void *data =
      format == FloatFormat::F32
          ? static_cast<const void *>(tensor(size, distribution).data())
          : halfTensor(size, distribution).data();
  int64_t peakExtra = 0;
  for (auto _ : state) {
    const int64_t before = currentBytes.load();
    peakBytes = before;
    const ImportanceView weights =
        weighted ? ImportanceView(importance(size).data()) : ImportanceView();
    const int64_t shape[] = {int64_t(size) / vectorSize, vectorSize};
    LutResult lut =
        vectorSize > 1
            ? buildLut(config, TensorView(data, format, shape),
                       Tiling{1, 0, vectorSize}, weights)
            : buildLut(config, TensorView(data, format, {int64_t(size)}), {},
                       weights);
    benchmark::DoNotOptimize(lut.indices.data());
    peakExtra = std::max(peakExtra, peakBytes.load() - before);
    if (lut.status != LutStatus::Success)
      state.SkipWithError("LUT not built");
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(size));
  state.counters["peak_extra_bytes"] = double(peakExtra);
  state.counters["bytes_per_element"] = double(peakExtra) / double(size);
}

void sizesAndWidths(benchmark::internal::Benchmark *benchmark) {
  for (int64_t size : {int64_t(1) << 16, int64_t(1) << 20, int64_t(1) << 24})
    for (int64_t nbits : {2, 4, 6, 8})
      benchmark->Args({size, nbits});
  benchmark->ArgNames({"n", "nbits"})->Unit(benchmark::kMillisecond);
}

#define PALETTIZE_LUT_BENCHMARK(NAME, MODE, FORMAT, DISTRIBUTION)              \
  void NAME(benchmark::State &state) {                                         \
    runLut(state, MODE, FORMAT, DISTRIBUTION);                                 \
  }                                                                            \
  BENCHMARK(NAME)->Apply(sizesAndWidths)

// Importance-weighted k-means against the plain runs above.
void weighted_kmeans_f16_gaussian(benchmark::State &state) {
  runLut(state, LutMode::KMeans, FloatFormat::F16, Gaussian, true);
}
BENCHMARK(weighted_kmeans_f16_gaussian)->Apply(sizesAndWidths);
void weighted_kmeans_f32_gaussian(benchmark::State &state) {
  runLut(state, LutMode::KMeans, FloatFormat::F32, Gaussian, true);
}
BENCHMARK(weighted_kmeans_f32_gaussian)->Apply(sizesAndWidths);

// Vectors of 2 (cluster-dim=2), plain and weighted per coordinate.
void vectorSizes(benchmark::internal::Benchmark *benchmark) {
  for (int64_t size : {int64_t(1) << 16, int64_t(1) << 20})
    for (int64_t nbits : {2, 4, 6})
      benchmark->Args({size, nbits});
  benchmark->ArgNames({"n", "nbits"})->Unit(benchmark::kMillisecond);
}
void kmeans_vector2_f16_gaussian(benchmark::State &state) {
  runLut(state, LutMode::KMeans, FloatFormat::F16, Gaussian, false, 2);
}
BENCHMARK(kmeans_vector2_f16_gaussian)->Apply(vectorSizes);
void weighted_kmeans_vector2_f16_gaussian(benchmark::State &state) {
  runLut(state, LutMode::KMeans, FloatFormat::F16, Gaussian, true, 2);
}
BENCHMARK(weighted_kmeans_vector2_f16_gaussian)->Apply(vectorSizes);

PALETTIZE_LUT_BENCHMARK(kmeans_f16_gaussian, LutMode::KMeans, FloatFormat::F16,
                        Gaussian);
PALETTIZE_LUT_BENCHMARK(kmeans_f16_heavy, LutMode::KMeans, FloatFormat::F16,
                        HeavyTailed);
PALETTIZE_LUT_BENCHMARK(kmeans_f32_gaussian, LutMode::KMeans, FloatFormat::F32,
                        Gaussian);
PALETTIZE_LUT_BENCHMARK(kmeans_f32_heavy, LutMode::KMeans, FloatFormat::F32,
                        HeavyTailed);
PALETTIZE_LUT_BENCHMARK(uniform_f16_gaussian, LutMode::Uniform,
                        FloatFormat::F16, Gaussian);
PALETTIZE_LUT_BENCHMARK(uniform_f32_gaussian, LutMode::Uniform,
                        FloatFormat::F32, Gaussian);

/// unique on tensors of 200 distinct values (the only inputs it accepts).
void unique_f32(benchmark::State &state) {
  const size_t size = size_t(state.range(0));
  std::vector<float> values(size);
  for (size_t i = 0; i < size; ++i)
    values[i] = float((i * 7919) % 200) * 0.01f;
  for (auto _ : state) {
    LutResult lut = buildLut({LutMode::Unique, 0, {}}, TensorView(values));
    benchmark::DoNotOptimize(lut.indices.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(size));
}
BENCHMARK(unique_f32)
    ->Arg(1 << 16)
    ->Arg(1 << 20)
    ->Arg(1 << 24)
    ->Unit(benchmark::kMillisecond);

/// Packing the indices of a tensor.
void pack_indices(benchmark::State &state) {
  const size_t size = size_t(state.range(0));
  const unsigned nbits = unsigned(state.range(1));
  std::vector<uint8_t> indices(size);
  for (size_t i = 0; i < size; ++i)
    indices[i] = uint8_t((i * 2654435761u) >> 24) & ((1u << nbits) - 1);
  std::vector<uint8_t> packed(getPackedIndicesByteCount(size, nbits));
  for (auto _ : state) {
    packIndices(indices, nbits, packed);
    benchmark::DoNotOptimize(packed.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(size));
}
BENCHMARK(pack_indices)
    ->ArgsProduct({{1 << 20}, {1, 2, 3, 4, 6, 8}})
    ->ArgNames({"n", "nbits"})
    ->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
