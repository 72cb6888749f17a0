// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=uniform nbits=2 weight-threshold=3" \
// RUN:   | FileCheck %s --check-prefix=TWO
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=uniform nbits=3 weight-threshold=3" \
// RUN:   | FileCheck %s --check-prefix=THREE

// lo = 0, hi = 3. Two bits: lut[i] = i; index = round_half_even(w):
// 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 2.6 -> 3. Indices [0,1,2,3,0,2,2,3] pack to
// 0xE4 (0|1<<2|2<<4|3<<6) and 0xE8 (0|2<<2|2<<4|3<<6).
// TWO-LABEL: func.func @halfway
// TWO: lut(dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<4xf32>)
// TWO: "0x01000000E4E8"
// Three bits: lut[i] = 3i/7; (w / 3) * 7: 0.5 -> 1.17 -> 1, 1.5 -> 3.5 -> 4,
// 2.5 -> 5.83 -> 6, 2.6 -> 6.07 -> 6, 1 -> 2.33 -> 2, 2 -> 4.67 -> 5.
// Indices [0, 2, 5, 7, 1, 4, 6, 6] at bits 0, 3, 6, .., 21 set bits 4, 6 |
// 8, 9, 10, 11, 12 | 17, 19, 20, 22, 23: bytes 0x50, 0x1F, 0xDA.
// THREE-LABEL: func.func @halfway
// THREE: lut(dense<[0.000000e+00, 0.428571433, 0.857142865, 1.28571427, 1.71428573, 2.14285707, 2.57142854, 3.000000e+00]> : tensor<8xf32>)
// THREE: "0x01000000501FDA"
func.func @halfway() -> tensor<2x4xf32> {
  %0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [0.5, 1.5, 2.5, 2.6]]> : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// A constant tensor (one value, stored as a blob) maps to index 0 and every
// entry is lo + i * 0 = lo.
// TWO-LABEL: func.func @constant
// TWO: lut(dense<-2.000000e+00> : tensor<4xf16>)
// TWO: "0x0100000000"
func.func @constant() -> tensor<2x2xf16> {
  %0 = arith.constant dense_resource<minus_two> : tensor<2x2xf16>
  return %0 : tensor<2x2xf16>
}

{-#
  dialect_resources: {
    builtin: {
      minus_two: "0x0200000000C000C000C000C0"
    }
  }
#-}
