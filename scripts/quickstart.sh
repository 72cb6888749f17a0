#!/usr/bin/env bash
# Installs what is missing, builds palettize and runs it on the bundled
# example: decodes the palettized weights of examples/mlp_palettized.mlir.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_dependencies
configure_and_build

example="$PALETTIZE_ROOT/examples/mlp_palettized.mlir"
echo
echo "== $BUILD_DIR/bin/palettize-opt --mil-materialize-constexpr $example"
"$BUILD_DIR/bin/palettize-opt" --mil-materialize-constexpr "$example"
