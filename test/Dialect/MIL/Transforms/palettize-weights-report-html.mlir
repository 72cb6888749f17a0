// report=<file.html>: a self-contained page (no scripts, nothing loaded from
// elsewhere) with the totals, a chart row per palettized constant (a bits
// bar of width 160 * nbits / 8, an SNR bar) and the table; names are
// escaped.
// RUN: palettize-opt %s --palettize-weights="mode=unique weight-threshold=4 report=%t.html" -o /dev/null
// RUN: FileCheck %s --input-file=%t.html
// RUN: FileCheck %s --input-file=%t.html --check-prefix=NONE
// An unwritable report fails the pass before any change, and so does one
// whose extension names no format.
// RUN: not palettize-opt %s --palettize-weights="mode=unique weight-threshold=4 report=%t.missing/r.json" -o %t.out.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNWRITABLE
// RUN: not ls %t.out.mlir
// RUN: not palettize-opt %s --palettize-weights="mode=unique weight-threshold=4 report=%t.txt" -o %t.out.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=EXTENSION
// RUN: not ls %t.out.mlir %t.txt

// CHECK:      <!DOCTYPE html>
// CHECK:      <p>Settings: <code>mode=unique weight-threshold=4</code></p>
// CHECK:      <tr><td>constants palettized</td><td>2 of 3</td></tr>
// 6 f32 values, 2 index bytes + 16 LUT bytes each: 48 -> 36 bytes.
// CHECK-NEXT: <tr><td>bytes</td><td>48 &rarr; 36</td></tr>
// CHECK-NEXT: <tr><td>bits per weight</td><td>24.00</td></tr>
// CHECK-NEXT: <tr><td>parameter-weighted SNR</td><td>inf dB</td></tr>
// CHECK:      <svg
// Three distinct values each: 2 bits, a bar of 160 * 2 / 8 = 40.
// CHECK:      <g><title>a&lt;b&amp;&quot;c&quot;: 2 bits, SNR inf dB</title>
// CHECK-SAME: >a&lt;b&amp;&quot;c&quot;</text>
// CHECK-SAME: <rect x="{{[0-9]+}}" y="{{[0-9]+}}" width="40"
// CHECK-SAME: >exact</text></g>
// CHECK-NEXT: <g><title>second: 2 bits
// CHECK-NEXT: </svg>
// CHECK:      <tr><td>a&lt;b&amp;&quot;c&quot;</td><td>tensor&lt;2x3xf32&gt;</td><td>2</td><td>1</td><td>24</td><td>18</td>
// CHECK:      <tr><td>(unnamed)</td><td>tensor&lt;2x2xf32&gt;</td><td colspan="7" style="text-align: left">left alone: at most weight-threshold=4 elements</td></tr>
// CHECK:      </html>
// NONE-NOT: <script
// NONE-NOT: http
// NONE-NOT: src=
// NONE-NOT: href=
// UNWRITABLE: error: palettize-weights: cannot write report '{{.*}}missing/r.json':
// EXTENSION: error: palettize-weights: report={{.*}}.txt must name a .json or an .html file
func.func @page() -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2xf32>) {
  %0 = mil.const "a<b&\"c\"" dense<[[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]> : tensor<2x3xf32>
  %1 = mil.const "second" dense<[[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]> : tensor<2x3xf32>
  %2 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2xf32>
}
