//===- FuzzInput.h - What the fuzz targets share ----------------*- C++ -*-===//

#ifndef PALETTIZE_FUZZ_FUZZINPUT_H
#define PALETTIZE_FUZZ_FUZZINPUT_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace palettize::fuzz {

/// Reads a fuzz input front to back; past its end, zeros.
class FuzzInput {
public:
  FuzzInput(const uint8_t *data, size_t size) : data(data), size(size) {}
  uint8_t byte() { return offset < size ? data[offset++] : 0; }
  /// Up to `count` more bytes (fewer at the end of the input).
  std::vector<char> bytes(size_t count) {
    std::vector<char> result;
    while (result.size() < count && offset < size)
      result.push_back(char(data[offset++]));
    return result;
  }
  /// The bytes not read yet.
  const uint8_t *rest() const { return data + offset; }
  size_t restSize() const { return offset < size ? size - offset : 0; }

private:
  const uint8_t *data;
  size_t size, offset = 0;
};

/// Reports a broken invariant of `target` and aborts, which the fuzzer
/// (or the replay program) records as a finding.
[[noreturn]] inline void failInvariant(const char *target, const char *what) {
  std::fprintf(stderr, "%s: invariant broken: %s\n", target, what);
  std::abort();
}

} // namespace palettize::fuzz

#endif // PALETTIZE_FUZZ_FUZZINPUT_H
