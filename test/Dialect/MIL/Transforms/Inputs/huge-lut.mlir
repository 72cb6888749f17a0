// A 4 TiB LUT op whose index blob is declared nowhere (mil-materialize-constexpr-limits.mlir).
func.func @a() -> tensor<1073741824x1024xf32> {
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense_resource<idx> : tensor<137438953472xui8>) : tensor<1073741824x1024xf32>
  return %0 : tensor<1073741824x1024xf32>
}
