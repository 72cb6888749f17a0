//===- Registration.h - Register palettize with a tool ----------*- C++ -*-===//
//
// Entry points for tools and compilers that embed palettize.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_REGISTRATION_H
#define PALETTIZE_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace palettize {

/// Adds the dialects palettize defines (`mil`) to `registry`.
void registerDialects(mlir::DialectRegistry &registry);

/// Registers every palettize pass and the palettize-lower-to-llvm pipeline
/// with the global pass registry, so that `--pass-pipeline` and the `opt`
/// command line can name them.
void registerPasses();

} // namespace palettize

#endif // PALETTIZE_REGISTRATION_H
