%0 = mil.constexpr_lut_to_dense "w" lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
       indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
%1 = mil.const "t" dense<[[0.5, -1.0], [0.5, 2.0]]> : tensor<2x2xf32>
"test.use"(%0, %1) : (tensor<5xf32>, tensor<2x2xf32>) -> ()
