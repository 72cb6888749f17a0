// REQUIRES: mlir-runner
// RUN: palettize-opt %s --palettize-lower-to-llvm=decode=per-call | %mlir_runner | FileCheck %s
// RUN: palettize-opt %s --palettize-lower-to-llvm=decode=at-load | %mlir_runner | FileCheck %s
// RUN: palettize-opt %s --palettize-lower-to-llvm=decode=fused | %mlir_runner | FileCheck %s
// The pipeline's greedy passes fold ops of at most 256 elements to constants
// before lowering them; lowered first by convert-mil-to-linalg alone (which
// never folds), the same values come from the decoding code itself.
// RUN: palettize-opt %s --convert-mil-to-linalg=decode=per-call | palettize-opt --palettize-lower-to-llvm | %mlir_runner | FileCheck %s
// RUN: palettize-opt %s --convert-mil-to-linalg=decode=at-load | palettize-opt --palettize-lower-to-llvm | %mlir_runner | FileCheck %s
// RUN: palettize-opt %s --convert-mil-to-linalg=decode=fused | palettize-opt --palettize-lower-to-llvm | %mlir_runner | FileCheck %s

// Every value below is worked out by hand from the packing rule (bit j of
// index i is bit (n*i + j) % 8 of byte (n*i + j) / 8) or given by Core ML's
// format description.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<*xf32>) {
  call @printMemrefF32(%t) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // Core ML's 4-bit vector: bytes [212, 21] are indices [4, 13, 5, 1].
  // CHECK: sizes = [4, 1]
  // CHECK-NEXT: {{\[}}[1],
  // CHECK-NEXT: [2],
  // CHECK-NEXT: [3],
  // CHECK-NEXT: [4]]
  %a = mil.constexpr_lut_to_dense
         lut(dense<[-19.0, 4.0, 0.0, -1.0, 1.0, 3.0, 5.0, -8.0, 19.0, 13.0,
                    42.0, 4.5, 5.4, 2.0, -6.0, -7.0]> : tensor<16xf32>)
         indices(dense<[212, 21]> : tensor<2xui8>) : tensor<4x1xf32>
  %ac = tensor.cast %a : tensor<4x1xf32> to tensor<*xf32>
  call @print(%ac) : (tensor<*xf32>) -> ()

  // Core ML's 2-bit vector: bytes [10, 4] are indices [2, 2, 0, 0, 0].
  // CHECK: sizes = [5]
  // CHECK-NEXT: [3,  3,  1,  1,  1]
  %b = mil.constexpr_lut_to_dense
         lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  %bc = tensor.cast %b : tensor<5xf32> to tensor<*xf32>
  call @print(%bc) : (tensor<*xf32>) -> ()

  // 3 bits: indices 0..7 are the 24-bit word sum(i << 3i) = 0xFAC688,
  // bytes [0x88, 0xC6, 0xFA]; indices 2 and 5 straddle two bytes.
  // CHECK: sizes = [8]
  // CHECK-NEXT: [0,  1.5,  3,  4.5,  6,  7.5,  9,  10.5]
  %c = mil.constexpr_lut_to_dense
         lut(dense<[0.0, 1.5, 3.0, 4.5, 6.0, 7.5, 9.0, 10.5]> : tensor<8xf32>)
         indices(dense<[136, 198, 250]> : tensor<3xui8>) : tensor<8xf32>
  %cc = tensor.cast %c : tensor<8xf32> to tensor<*xf32>
  call @print(%cc) : (tensor<*xf32>) -> ()

  // 6 bits: indices [63, 1, 32, 5] are 63 + (1 << 6) + (32 << 12) + (5 << 18)
  // = 0x16007F, bytes [0x7F, 0x00, 0x16]; LUT[i] = i / 2.
  // CHECK: sizes = [4]
  // CHECK-NEXT: [31.5,  0.5,  16,  2.5]
  %lut64 = arith.constant dense<[
      0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5,
      7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0,
      13.5, 14.0, 14.5, 15.0, 15.5, 16.0, 16.5, 17.0, 17.5, 18.0, 18.5, 19.0,
      19.5, 20.0, 20.5, 21.0, 21.5, 22.0, 22.5, 23.0, 23.5, 24.0, 24.5, 25.0,
      25.5, 26.0, 26.5, 27.0, 27.5, 28.0, 28.5, 29.0, 29.5, 30.0, 30.5, 31.0,
      31.5]> : tensor<64xf32>
  %d = mil.constexpr_lut_to_dense lut(%lut64 : tensor<64xf32>)
         indices(dense<[127, 0, 22]> : tensor<3xui8>) : tensor<4xf32>
  %dc = tensor.cast %d : tensor<4xf32> to tensor<*xf32>
  call @print(%dc) : (tensor<*xf32>) -> ()

  // 8 bits: indices of 128 and more must not read as negative.
  // LUT[i] = 256 - i.
  // CHECK: sizes = [3]
  // CHECK-NEXT: [1,  128,  256]
  %lut256 = arith.constant dense<[
      256.0, 255.0, 254.0, 253.0, 252.0, 251.0, 250.0, 249.0, 248.0, 247.0, 246.0, 245.0,
      244.0, 243.0, 242.0, 241.0, 240.0, 239.0, 238.0, 237.0, 236.0, 235.0, 234.0, 233.0,
      232.0, 231.0, 230.0, 229.0, 228.0, 227.0, 226.0, 225.0, 224.0, 223.0, 222.0, 221.0,
      220.0, 219.0, 218.0, 217.0, 216.0, 215.0, 214.0, 213.0, 212.0, 211.0, 210.0, 209.0,
      208.0, 207.0, 206.0, 205.0, 204.0, 203.0, 202.0, 201.0, 200.0, 199.0, 198.0, 197.0,
      196.0, 195.0, 194.0, 193.0, 192.0, 191.0, 190.0, 189.0, 188.0, 187.0, 186.0, 185.0,
      184.0, 183.0, 182.0, 181.0, 180.0, 179.0, 178.0, 177.0, 176.0, 175.0, 174.0, 173.0,
      172.0, 171.0, 170.0, 169.0, 168.0, 167.0, 166.0, 165.0, 164.0, 163.0, 162.0, 161.0,
      160.0, 159.0, 158.0, 157.0, 156.0, 155.0, 154.0, 153.0, 152.0, 151.0, 150.0, 149.0,
      148.0, 147.0, 146.0, 145.0, 144.0, 143.0, 142.0, 141.0, 140.0, 139.0, 138.0, 137.0,
      136.0, 135.0, 134.0, 133.0, 132.0, 131.0, 130.0, 129.0, 128.0, 127.0, 126.0, 125.0,
      124.0, 123.0, 122.0, 121.0, 120.0, 119.0, 118.0, 117.0, 116.0, 115.0, 114.0, 113.0,
      112.0, 111.0, 110.0, 109.0, 108.0, 107.0, 106.0, 105.0, 104.0, 103.0, 102.0, 101.0,
      100.0, 99.0, 98.0, 97.0, 96.0, 95.0, 94.0, 93.0, 92.0, 91.0, 90.0, 89.0,
      88.0, 87.0, 86.0, 85.0, 84.0, 83.0, 82.0, 81.0, 80.0, 79.0, 78.0, 77.0,
      76.0, 75.0, 74.0, 73.0, 72.0, 71.0, 70.0, 69.0, 68.0, 67.0, 66.0, 65.0,
      64.0, 63.0, 62.0, 61.0, 60.0, 59.0, 58.0, 57.0, 56.0, 55.0, 54.0, 53.0,
      52.0, 51.0, 50.0, 49.0, 48.0, 47.0, 46.0, 45.0, 44.0, 43.0, 42.0, 41.0,
      40.0, 39.0, 38.0, 37.0, 36.0, 35.0, 34.0, 33.0, 32.0, 31.0, 30.0, 29.0,
      28.0, 27.0, 26.0, 25.0, 24.0, 23.0, 22.0, 21.0, 20.0, 19.0, 18.0, 17.0,
      16.0, 15.0, 14.0, 13.0, 12.0, 11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0,
      4.0, 3.0, 2.0, 1.0]> : tensor<256xf32>
  %e = mil.constexpr_lut_to_dense lut(%lut256 : tensor<256xf32>)
         indices(dense<[255, 128, 0]> : tensor<3xui8>) : tensor<3xf32>
  %ec = tensor.cast %e : tensor<3xf32> to tensor<*xf32>
  call @print(%ec) : (tensor<*xf32>) -> ()

  // Grouped, 2 groups of 2 rows along axis 0 of a 4x2 weight, 1 bit:
  // indices [0,1, 1,0, 0,0, 1,1] are bits 0b11000110 = 198.
  // CHECK: sizes = [4, 2]
  // CHECK-NEXT: {{\[}}[10,   20],
  // CHECK-NEXT: [20,   10],
  // CHECK-NEXT: [-1,   -1],
  // CHECK-NEXT: [-2,   -2]]
  %f = mil.constexpr_lut_to_dense
         lut(dense<[[[[10.0], [20.0]]], [[[-1.0], [-2.0]]]]> : tensor<2x1x2x1xf32>)
         indices(dense<[198]> : tensor<1xui8>) : tensor<4x2xf32>
  %fc = tensor.cast %f : tensor<4x2xf32> to tensor<*xf32>
  call @print(%fc) : (tensor<*xf32>) -> ()

  // Vectors of 2 along axis 1 of a 2x4 weight, 1 bit: the index grid is
  // 2x2, indices [1, 0, 0, 1] (bits 0b1001 = 9); rows [1, 2] and [3, 4].
  // CHECK: sizes = [2, 4]
  // CHECK-NEXT: {{\[}}[3,   4,   1,   2],
  // CHECK-NEXT: [1,   2,   3,   4]]
  %g = mil.constexpr_lut_to_dense
         lut(dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>)
         indices(dense<[9]> : tensor<1xui8>) vector_axis(1) : tensor<2x4xf32>
  %gc = tensor.cast %g : tensor<2x4xf32> to tensor<*xf32>
  call @print(%gc) : (tensor<*xf32>) -> ()

  // An 8-bit LUT: 0.5 * (q - 1) for q in [-3, 1, 3, 9]; 2-bit indices
  // [3, 0, 1, 2] are 0b10010011 = 147.
  // CHECK: sizes = [4]
  // CHECK-NEXT: [4,  -2,  0,  1]
  %q = mil.const dense<[-3, 1, 3, 9]> : tensor<4xi8>
  %ql = mil.constexpr_blockwise_shift_scale %q
          scale(dense<0.5> : tensor<1xf32>) offset(dense<1> : tensor<1xi8>)
          : tensor<4xi8> -> tensor<4xf32>
  %h = mil.constexpr_lut_to_dense lut(%ql : tensor<4xf32>)
         indices(dense<[147]> : tensor<1xui8>) : tensor<4xf32>
  %hc = tensor.cast %h : tensor<4xf32> to tensor<*xf32>
  call @print(%hc) : (tensor<*xf32>) -> ()

  // Per-row scales [2, -1] of a 2x2 f16 weight from ui8 data [[1, 200],
  // [255, 0]].
  // CHECK: sizes = [2, 2]
  // CHECK-NEXT: {{\[}}[2,   400],
  // CHECK-NEXT: [-255,   -0]]
  %u = mil.const dense<[[1, 200], [255, 0]]> : tensor<2x2xui8>
  %us = mil.constexpr_blockwise_shift_scale %u
          scale(dense<[[2.0], [-1.0]]> : tensor<2x1xf16>)
          : tensor<2x2xui8> -> tensor<2x2xf16>
  %uf = arith.extf %us : tensor<2x2xf16> to tensor<2x2xf32>
  %uc = tensor.cast %uf : tensor<2x2xf32> to tensor<*xf32>
  call @print(%uc) : (tensor<*xf32>) -> ()

  // An int8 LUT decoded into int8, then halved: bytes [10, 4] are indices
  // [2, 2, 0, 0, 0], which select 0, 0, -128, -128, -128.
  // CHECK: sizes = [5]
  // CHECK-NEXT: [0,  0,  -64,  -64,  -64]
  %iq = mil.constexpr_lut_to_dense lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>)
          indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
  %i = mil.constexpr_blockwise_shift_scale %iq scale(dense<0.5> : tensor<1xf32>)
         : tensor<5xi8> -> tensor<5xf32>
  %ic = tensor.cast %i : tensor<5xf32> to tensor<*xf32>
  call @print(%ic) : (tensor<*xf32>) -> ()

  // Int4 data packed in a blob, low nibble first: bytes 2F 78 10 are the
  // nibbles F 2 8 7 0 1, as si4 [[-1, 2, -8], [7, 0, 1]]; 0.5 * (v - 1) on
  // row 0 and 2 * (v + 2) on row 1.
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: {{\[}}[-1,   0.5,   -4.5],
  // CHECK-NEXT: [18,   4,   6]]
  %n = mil.const dense_resource<nibbles> : tensor<2x3xsi4>
  %j = mil.constexpr_blockwise_shift_scale %n
         scale(dense<[[0.5], [2.0]]> : tensor<2x1xf32>)
         offset(dense<[[1], [-2]]> : tensor<2x1xsi4>)
         : tensor<2x3xsi4> -> tensor<2x3xf32>
  %jc = tensor.cast %j : tensor<2x3xf32> to tensor<*xf32>
  call @print(%jc) : (tensor<*xf32>) -> ()

  // The same bytes as ui4: [[15, 2, 8], [7, 0, 1]], offsets [1, 14] from a
  // packed blob (byte E1).
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: {{\[}}[7,   0.5,   3.5],
  // CHECK-NEXT: [-14,   -28,   -26]]
  %un = mil.const dense_resource<nibbles_u> : tensor<2x3xui4>
  %k = mil.constexpr_blockwise_shift_scale %un
         scale(dense<[[0.5], [2.0]]> : tensor<2x1xf32>)
         offset(dense_resource<offsets_u> : tensor<2x1xui4>)
         : tensor<2x3xui4> -> tensor<2x3xf32>
  %kc = tensor.cast %k : tensor<2x3xf32> to tensor<*xf32>
  call @print(%kc) : (tensor<*xf32>) -> ()

  return
}
{-#
  dialect_resources: {
    builtin: {
      nibbles: "0x010000002F7810",
      nibbles_u: "0x010000002F7810",
      offsets_u: "0x01000000E1"
    }
  }
#-}
