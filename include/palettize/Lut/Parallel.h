//===- Parallel.h - How the LUT library may run work in parallel -*- C++
//-*-===//
//
// The LUT library owns no threads. A caller that has some (an MLIRContext's
// thread pool, a tool's pool) passes a ParallelFor; without one everything
// runs on the calling thread. Results never depend on it: parallel tasks
// write disjoint data.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_PARALLEL_H
#define PALETTIZE_LUT_PARALLEL_H

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstddef>
#include <functional>

namespace palettize {

/// Runs task(0), ..., task(count - 1), possibly concurrently, and returns
/// when all have finished. The tasks are independent.
using ParallelFor =
    std::function<void(size_t count, llvm::function_ref<void(size_t)> task)>;

/// Runs the tasks with `parallelFor`, or in order on this thread when it is
/// empty.
inline void runTasks(const ParallelFor &parallelFor, size_t count,
                     llvm::function_ref<void(size_t)> task) {
  if (parallelFor && count > 1) {
    parallelFor(count, task);
    return;
  }
  for (size_t i = 0; i < count; ++i)
    task(i);
}

} // namespace palettize

#endif // PALETTIZE_LUT_PARALLEL_H
