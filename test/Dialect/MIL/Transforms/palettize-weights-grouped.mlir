// per-grouped-channel: one LUT per group of channels (coremltools'
// OpPalettizerConfig granularity="per_grouped_channel").
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 granularity=per-grouped-channel group-size=2 channel-axis=0" \
// RUN:   2>/dev/null | FileCheck %s --check-prefix=AXIS0
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 granularity=per-grouped-channel group-size=2" \
// RUN:   2>/dev/null | FileCheck %s --check-prefix=INFER
// One group of the whole axis is a per-tensor palette in the grouped form.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 granularity=per-grouped-channel group-size=0 channel-axis=0" \
// RUN:   2>/dev/null | FileCheck %s --check-prefix=WHOLE
// Decoding gives the original bits back.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 granularity=per-grouped-channel group-size=2 channel-axis=1" \
// RUN:   | palettize-opt -split-input-file --mil-materialize-constexpr="max-dense-elements=0" \
// RUN:     --mlir-print-elementsattrs-with-hex-if-larger=0 | FileCheck %s --check-prefix=ROUNDTRIP

// coremltools' case: arange(16).reshape(4, 4), unique. Two groups along
// axis 0 (rows {0, 1} and {2, 3}) hold [0..7] and [8..15] (3 bits), and the
// indices are [[0,1,2,3],[4,5,6,7],[0,1,2,3],[4,5,6,7]]: 0..7 twice, packed
// LSB-first as 0x88 0xC6 0xFA, twice.
// AXIS0-LABEL: func.func @arange
// AXIS0: mil.constexpr_lut_to_dense "w" lut(dense<{{\[\[\[\[}}0.000000e+00], [1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00], [5.000000e+00], [6.000000e+00], [7.000000e+00]]], {{\[\[\[}}8.000000e+00], [9.000000e+00], [1.000000e+01], [1.100000e+01], [1.200000e+01], [1.300000e+01], [1.400000e+01], [1.500000e+01]]]]> : tensor<2x1x8x1xf32>) indices(dense_resource<w_indices> : tensor<6xui8>) : tensor<4x4xf32>
// AXIS0: w_indices: "0x0100000088C6FA88C6FA"
// Without consumers the inferred axis is 0 as well: the same LUTs and
// indices.
// INFER-LABEL: func.func @arange
// INFER: mil.constexpr_lut_to_dense "w" lut(dense<{{\[\[\[\[}}0.000000e+00], [1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00], [5.000000e+00], [6.000000e+00], [7.000000e+00]]], {{\[\[\[}}8.000000e+00], [9.000000e+00], [1.000000e+01], [1.100000e+01], [1.200000e+01], [1.300000e+01], [1.400000e+01], [1.500000e+01]]]]> : tensor<2x1x8x1xf32>)
// INFER: w_indices: "0x0100000088C6FA88C6FA"
// 16 values in one group: 4 bits, indices 0..15.
// WHOLE-LABEL: func.func @arange
// WHOLE: lut(dense<{{\[\[\[\[}}0.000000e+00], [1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00], [5.000000e+00], [6.000000e+00], [7.000000e+00], [8.000000e+00], [9.000000e+00], [1.000000e+01], [1.100000e+01], [1.200000e+01], [1.300000e+01], [1.400000e+01], [1.500000e+01]]]]> : tensor<1x1x16x1xf32>)
// WHOLE: w_indices: "0x010000001032547698BADCFE"
// ROUNDTRIP-LABEL: func.func @arange
// ROUNDTRIP: w: "0x40000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041"
func.func @arange() -> tensor<4x4xf32> {
  %0 = mil.const "w" dense<"0x000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041"> : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// The right-hand operand of a matmul, [K, N], has its output channels on
// the last axis: groups of columns {0, 1} and {2, 3} hold
// [0,1,4,5,8,9,12,13] and [2,3,6,7,10,11,14,15]; element (r, c) has index
// 2r + c % 2: packed 0x08 0xA2 0x69 0x2C 0xEB 0xFB.
// INFER-LABEL: func.func @matmul_rhs
// INFER: mil.constexpr_lut_to_dense "rhs" lut(dense<{{\[\[\[\[}}0.000000e+00], [1.000000e+00], [4.000000e+00], [5.000000e+00], [8.000000e+00], [9.000000e+00], [1.200000e+01], [1.300000e+01]], {{\[\[}}2.000000e+00], [3.000000e+00], [6.000000e+00], [7.000000e+00], [1.000000e+01], [1.100000e+01], [1.400000e+01], [1.500000e+01]]]]> : tensor<1x2x8x1xf32>)
// INFER: linalg.matmul
// INFER: rhs_indices: "0x0100000008A2692CEBFB"
func.func @matmul_rhs(%x: tensor<1x4xf32>, %out: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = mil.const "rhs" dense<"0x000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041"> : tensor<4x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%out : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Group size 1 on 90 output channels: 90 LUTs. Each channel holds two
// values, which its 1-bit palette keeps exactly.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=kmeans nbits=1 weight-threshold=0 granularity=per-grouped-channel group-size=1 print-statistics=true" \
// RUN:   2>&1 >/dev/null | FileCheck %s --check-prefix=STATS
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=kmeans nbits=1 weight-threshold=0 granularity=per-grouped-channel group-size=1" \
// RUN:   2>/dev/null | FileCheck %s --check-prefix=ONE
// Channel c's palette is [c, c + 0.5] (printed as f32 hex: 0.0, 0.5, 1.0,
// 1.5, ...), and every row's indices are [0, 1]:
// 180 bits alternating 0, 1, LSB-first 0xAA x 22 then 0x0A.
// ONE-LABEL: func.func @ninety
// ONE: mil.constexpr_lut_to_dense "conv" lut(dense<"0x000000000000003F0000803F0000C03F0000004000002040000040400000604000008040000090400000A0400000B0400000C0400000D0400000E0400000F0400000004100000841000010410000184100002041000028410000304100003841000040410000484100005041000058410000604100006841000070410000784100008041000084410000884100008C4100009041000094410000984100009C410000A0410000A4410000A8410000AC410000B0410000B4410000B8410000BC410000C0410000C4410000C8410000CC410000D0410000D4410000D8410000DC410000E0410000E4410000E8410000EC410000F0410000F4410000F8410000FC41000000420000024200000442000006420000084200000A4200000C4200000E42000010420000124200001442000016420000184200001A4200001C4200001E42000020420000224200002442000026420000284200002A4200002C4200002E42000030420000324200003442000036420000384200003A4200003C4200003E42000040420000424200004442000046420000484200004A4200004C4200004E42000050420000524200005442000056420000584200005A4200005C4200005E42000060420000624200006442000066420000684200006A4200006C4200006E42000070420000724200007442000076420000784200007A4200007C4200007E420000804200008142000082420000834200008442000085420000864200008742000088420000894200008A4200008B4200008C4200008D4200008E4200008F420000904200009142000092420000934200009442000095420000964200009742000098420000994200009A4200009B4200009C4200009D4200009E4200009F420000A0420000A1420000A2420000A3420000A4420000A5420000A6420000A7420000A8420000A9420000AA420000AB420000AC420000AD420000AE420000AF420000B0420000B1420000B2420000B342"> : tensor<90x1x2x1xf32>)
// ONE: conv_indices: "0x01000000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0A"
// 743 bytes for 180 weights: 8 * 743 / 180 = 33.02 bits per weight.
// STATS: conv: tensor<90x2xf32>, 1 bits x 90 groups along axis 0, 720 -> 743 bytes, MSE 0.00E+00, max error 0.00E+00, SNR inf dB
// STATS: bytes: 720 -> 743 (1.03x larger: LUTs outweigh the savings), 33.02 bits per weight, SNR inf dB (parameter-weighted)
func.func @ninety() -> tensor<90x2xf32> {
  %0 = mil.const "conv" dense<[[0.0, 0.5], [1.0, 1.5], [2.0, 2.5], [3.0, 3.5], [4.0, 4.5], [5.0, 5.5], [6.0, 6.5], [7.0, 7.5], [8.0, 8.5], [9.0, 9.5], [10.0, 10.5], [11.0, 11.5], [12.0, 12.5], [13.0, 13.5], [14.0, 14.5], [15.0, 15.5], [16.0, 16.5], [17.0, 17.5], [18.0, 18.5], [19.0, 19.5], [20.0, 20.5], [21.0, 21.5], [22.0, 22.5], [23.0, 23.5], [24.0, 24.5], [25.0, 25.5], [26.0, 26.5], [27.0, 27.5], [28.0, 28.5], [29.0, 29.5], [30.0, 30.5], [31.0, 31.5], [32.0, 32.5], [33.0, 33.5], [34.0, 34.5], [35.0, 35.5], [36.0, 36.5], [37.0, 37.5], [38.0, 38.5], [39.0, 39.5], [40.0, 40.5], [41.0, 41.5], [42.0, 42.5], [43.0, 43.5], [44.0, 44.5], [45.0, 45.5], [46.0, 46.5], [47.0, 47.5], [48.0, 48.5], [49.0, 49.5], [50.0, 50.5], [51.0, 51.5], [52.0, 52.5], [53.0, 53.5], [54.0, 54.5], [55.0, 55.5], [56.0, 56.5], [57.0, 57.5], [58.0, 58.5], [59.0, 59.5], [60.0, 60.5], [61.0, 61.5], [62.0, 62.5], [63.0, 63.5], [64.0, 64.5], [65.0, 65.5], [66.0, 66.5], [67.0, 67.5], [68.0, 68.5], [69.0, 69.5], [70.0, 70.5], [71.0, 71.5], [72.0, 72.5], [73.0, 73.5], [74.0, 74.5], [75.0, 75.5], [76.0, 76.5], [77.0, 77.5], [78.0, 78.5], [79.0, 79.5], [80.0, 80.5], [81.0, 81.5], [82.0, 82.5], [83.0, 83.5], [84.0, 84.5], [85.0, 85.5], [86.0, 86.5], [87.0, 87.5], [88.0, 88.5], [89.0, 89.5]]> : tensor<90x2xf32>
  return %0 : tensor<90x2xf32>
}
