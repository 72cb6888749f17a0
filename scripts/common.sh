# Shared steps of the quickstart and test scripts: install what is missing,
# configure once, build. Sourced, not run.

PALETTIZE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$PALETTIZE_ROOT/build}
LLVM_PREFIX=/usr/lib/llvm-22

# Debian packages the build and the tests need.
PALETTIZE_PACKAGES=(
  cmake ninja-build g++ python3 python3-numpy
  llvm-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libgtest-dev libbenchmark-dev
  protobuf-compiler libprotobuf-dev python3-protobuf
)

install_dependencies() {
  local missing=()
  for package in "${PALETTIZE_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
        grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "Installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# configure_and_build_in DIR [CMAKE_ARGS...]: configures DIR once (with the
# extra arguments), then builds everything in it.
configure_and_build_in() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -G Ninja -S "$PALETTIZE_ROOT" -B "$dir" \
      -DCMAKE_BUILD_TYPE=Release \
      -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
      -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" "$@" || return 1
  fi
  cmake --build "$dir" -j "${JOBS:-2}"
}

configure_and_build() {
  configure_and_build_in "$BUILD_DIR"
}
