// importance= files that cannot be used fail the pass before any change,
// naming the file and the tensor; the output file is not written.
// RUN: %python %S/Inputs/safetensors_io.py %t.st shape:F32:2x8:random \
// RUN:   negative:F32:4x4:random,5=-1.5 nan:F16:4x4:random,0=nan \
// RUN:   inf:BF16:4x4:random,15=inf
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="nbits=1 weight-threshold=0 importance=%t.st"
// RUN: not palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="nbits=1 weight-threshold=0 importance=%t.st" \
// RUN:   -o %t.out.mlir 2>/dev/null
// RUN: not ls %t.out.mlir

// Files that cannot be read: missing, truncated, a dtype the reader does
// not take; and importance with a mode that clusters nothing.
// RUN: not palettize-opt %s -split-input-file --palettize-weights="nbits=4 importance=%t.missing.st" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING
// RUN: %python %S/Inputs/safetensors_io.py %t.short.st w:F32:4x4:random --truncate 3
// RUN: not palettize-opt %s -split-input-file --palettize-weights="nbits=4 importance=%t.short.st" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TRUNCATED
// RUN: %python %S/Inputs/safetensors_io.py %t.int.st w:I32:4x4:const=1
// RUN: not palettize-opt %s -split-input-file --palettize-weights="nbits=4 importance=%t.int.st" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DTYPE
// RUN: not palettize-opt %s -split-input-file --palettize-weights="mode=uniform nbits=4 importance=%t.st" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MODE
// MISSING: error: palettize-weights: cannot use the importance file {{.*}}missing.st: cannot open: {{.*}}
// TRUNCATED: error: palettize-weights: cannot use the importance file {{.*}}short.st: tensor 'w': data_offsets [0, 64] reach beyond the data buffer, which holds 61 bytes
// DTYPE: error: palettize-weights: cannot use the importance file {{.*}}int.st: tensor 'w': unsupported dtype 'I32'; only F32, F16 and BF16 are read
// MODE: error: palettize-weights: importance={{.*}}.st weighs k-means only; mode=uniform does not use importances

func.func @shape() -> tensor<4x4xf32> {
  // expected-error-re @below {{palettize-weights: importance tensor 'shape' in '{{.*}}.st' has shape [2, 8], but the constant has shape [4, 4]}}
  %0 = mil.const "shape" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                              [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]>
      : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @negative() -> tensor<4x4xf32> {
  // Element 5 of a 4x4 tensor is [1, 1].
  // expected-error-re @below {{palettize-weights: importance tensor 'negative' in '{{.*}}.st': element [1, 1] is -1.5; importances must be finite and non-negative}}
  %0 = mil.const "negative" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                                 [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]>
      : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @nan() -> tensor<4x4xf16> {
  // expected-error-re @below {{importance tensor 'nan' in '{{.*}}.st': element [0, 0] is nan; importances must be finite and non-negative}}
  %0 = mil.const "nan" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                            [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]>
      : tensor<4x4xf16>
  return %0 : tensor<4x4xf16>
}

// -----

func.func @inf() -> tensor<4x4xbf16> {
  // expected-error-re @below {{importance tensor 'inf' in '{{.*}}.st': element [3, 3] is inf; importances must be finite and non-negative}}
  %0 = mil.const "inf" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                            [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]>
      : tensor<4x4xbf16>
  return %0 : tensor<4x4xbf16>
}
