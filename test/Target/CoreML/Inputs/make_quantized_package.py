"""Writes a small iOS18 Core ML package of integer-compressed weights, the
forms coremltools emits for quantized models, built field by field with
Python's protobuf and `struct` (no code shared with the C++ writer):

  q_int4   constexpr_blockwise_shift_scale of int4 data, fp16 scales and
           int4 zero points per block of 8 columns (blobs);
  q_lut8   constexpr_lut_to_dense of 2-bit indices and an int8 LUT per
           half of the rows, decoding to int8, dequantized by a
           constexpr_blockwise_shift_scale with a scale and an int8 zero
           point per row (an immediate LUT, scales and zero points);
  q_lutu8  the same with 4-bit indices, one uint8 LUT and a uint8 zero
           point for the whole tensor.

With --kind sparse, pruned weights instead (about half their elements
zero), as coremltools writes them:

  s_pruned  constexpr_sparse_to_dense of a uint1 mask and fp16 values;
  s_lut     constexpr_lut_to_sparse (a uint1 index mask, 2-bit indices of
            its bits, a fp16 LUT per half of the rows) whose outputs s_lut_0
            and s_lut_1 feed constexpr_sparse_to_dense s_lut_dense;
  s_vec     the same with vectors of 2 along axis 1 (an 8x8 index mask
            for an 8x16 weight): s_vec_dense;
  s_int4    constexpr_sparse_to_dense of int4 values, dequantized by a
            constexpr_blockwise_shift_scale.

Each feeds a `linear` of the input x [1, 16]. Values are seeded.

  make_quantized_package.py --schema DIR [--kind quantized|sparse] OUT
"""

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

# MIL DataType codes and the matching BlobDataType codes.
FLOAT16, INT4, INT8, UINT1, UINT2, UINT4, UINT8, INT32, STRING = \
    10, 25, 21, 37, 36, 35, 31, 23, 2
BLOB_CODE = {FLOAT16: 1, UINT8: 3, INT8: 4, INT4: 8, UINT1: 9, UINT2: 10,
             UINT4: 11}
BITS = {FLOAT16: 16, UINT8: 8, INT8: 8, INT4: 4, UINT1: 1, UINT2: 2,
        UINT4: 4}


def load_schema(proto_dir):
    generated = tempfile.mkdtemp(prefix="coreml-schema-")
    protos = sorted(f for f in os.listdir(proto_dir) if f.endswith(".proto"))
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", generated]
                   + protos, check=True)
    sys.path.insert(0, generated)
    import Model_pb2  # noqa: E402
    import MIL_pb2  # noqa: E402
    shutil.rmtree(generated)
    return Model_pb2, MIL_pb2


def pack(values, bits):
    """Elements of `bits` bits, two's complement, packed LSB-first."""
    values = np.asarray(values, np.int64).ravel() & ((1 << bits) - 1)
    stream = ((values[:, None] >> np.arange(bits)) & 1).astype(np.uint8)
    return np.packbits(stream.ravel(), bitorder="little").tobytes()


def raw_bytes(values, dtype):
    if BITS[dtype] < 8:
        return pack(values, BITS[dtype])
    numpy_type = {FLOAT16: np.float16, INT8: np.int8, UINT8: np.uint8,
                  INT32: np.int32}[dtype]
    return np.asarray(values).astype(numpy_type).tobytes()


class WeightWriter:
    """MILBlob storage v2: 64-byte header, 64-byte aligned records."""

    def __init__(self):
        self.data = bytearray(64)
        self.count = 0

    def add(self, values, dtype):
        payload = raw_bytes(values, dtype)
        offset = (len(self.data) + 63) // 64 * 64
        self.data += bytes(offset - len(self.data))
        padding = len(payload) * 8 - np.size(values) * BITS[dtype]
        self.data += struct.pack("<IIQQQ", 0xDEADBEEF, BLOB_CODE[dtype],
                                 len(payload), offset + 64, padding)
        self.data += bytes(32) + payload
        self.count += 1
        return offset

    def bytes(self):
        struct.pack_into("<II", self.data, 0, self.count, 2)
        return bytes(self.data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--kind", choices=["quantized", "sparse"],
                        default="quantized")
    parser.add_argument("output")
    args = parser.parse_args()
    Model_pb2, mil = load_schema(args.schema)
    rng = np.random.default_rng(7)
    weights = WeightWriter()

    def tensor_type(shape, dtype):
        t = mil.ValueType()
        t.tensorType.dataType = dtype
        t.tensorType.rank = len(shape)
        for size in shape:
            t.tensorType.dimensions.add().constant.size = size
        return t

    def string_value(text):
        v = mil.Value()
        v.type.tensorType.dataType = STRING
        v.immediateValue.tensor.strings.values.append(text)
        return v

    def tensor_value(values, dtype, blob):
        values = np.asarray(values)
        v = mil.Value()
        v.type.CopyFrom(tensor_type(list(values.shape), dtype))
        if blob:
            v.blobFileValue.fileName = "@model_path/weights/weight.bin"
            v.blobFileValue.offset = weights.add(values, dtype)
        elif dtype == INT32:  # as Core ML's tools write int32 immediates
            v.immediateValue.tensor.ints.values.extend(
                int(x) for x in values.ravel())
        else:
            v.immediateValue.tensor.bytes.values = raw_bytes(values, dtype)
        return v

    block = mil.Block()

    def add_op(op_type, name, inputs, shape, dtype, outputs=None):
        op = block.operations.add()
        op.type = op_type
        op.attributes["name"].CopyFrom(string_value(name))
        for key, value in inputs.items():
            binding = op.inputs[key].arguments.add()
            if isinstance(value, str):
                binding.name = value
            else:
                binding.value.CopyFrom(value)
        # Several outputs are named <name>_0, <name>_1, as coremltools
        # names them.
        for index, (out_shape, out_dtype) in enumerate(
                outputs or [(shape, dtype)]):
            out = op.outputs.add()
            out.name = f"{name}_{index}" if outputs else name
            out.type.CopyFrom(tensor_type(out_shape, out_dtype))
        return name

    outputs = []

    def add_linear(weight):
        outputs.append(add_op("linear", weight + "_linear",
                              {"x": "x", "weight": weight}, [1, 8], FLOAT16))

    if args.kind == "sparse":
        add_sparse_weights(rng, add_op, add_linear, tensor_value)
    else:
        add_quantized_weights(rng, add_op, add_linear, tensor_value)
    block.outputs.extend(outputs)
    write_package(args, Model_pb2, mil, block, outputs, tensor_type, weights)


def add_quantized_weights(rng, add_op, add_linear, tensor_value):
    # int4 data with a scale and a zero point per block of 8 columns.
    add_op("constexpr_blockwise_shift_scale", "q_int4", {
        "data": tensor_value(rng.integers(-8, 8, (8, 16)), INT4, True),
        "scale": tensor_value(rng.uniform(0.01, 0.1, (8, 2)), FLOAT16, True),
        "offset": tensor_value(rng.integers(-2, 3, (8, 2)), INT4, True),
    }, [8, 16], FLOAT16)
    add_linear("q_int4")

    # An int8 LUT per half of the rows, decoded to int8, then dequantized.
    add_op("constexpr_lut_to_dense", "q_lut8_indices", {
        "indices": tensor_value(rng.integers(0, 4, (8, 16)), UINT2, True),
        "lut": tensor_value(rng.integers(-127, 128, (2, 1, 4, 1)), INT8,
                            False),
    }, [8, 16], INT8)
    add_op("constexpr_blockwise_shift_scale", "q_lut8", {
        "data": "q_lut8_indices",
        "scale": tensor_value(rng.uniform(0.001, 0.01, (8, 1)), FLOAT16,
                              False),
        "offset": tensor_value(rng.integers(-3, 4, (8, 1)), INT8, False),
    }, [8, 16], FLOAT16)
    add_linear("q_lut8")

    # One uint8 LUT of 16 entries, a uint8 zero point for the tensor.
    add_op("constexpr_lut_to_dense", "q_lutu8_indices", {
        "indices": tensor_value(rng.integers(0, 16, (8, 16)), UINT4, True),
        "lut": tensor_value(rng.integers(0, 256, (1, 1, 16, 1)), UINT8,
                            True),
    }, [8, 16], UINT8)
    add_op("constexpr_blockwise_shift_scale", "q_lutu8", {
        "data": "q_lutu8_indices",
        "scale": tensor_value([[0.0078125]], FLOAT16, False),
        "offset": tensor_value([[128]], UINT8, False),
    }, [8, 16], FLOAT16)
    add_linear("q_lutu8")


def add_sparse_weights(rng, add_op, add_linear, tensor_value):
    def mask(shape):
        return (rng.random(shape) < 0.5).astype(np.int64)

    # A pruned fp16 weight.
    m = mask((8, 16))
    add_op("constexpr_sparse_to_dense", "s_pruned", {
        "mask": tensor_value(m, UINT1, True),
        "nonzero_data": tensor_value(rng.standard_normal(m.sum()), FLOAT16,
                                     True),
    }, [8, 16], FLOAT16)
    add_linear("s_pruned")

    # Pruned and palettized: 2-bit indices of the mask's bits, a LUT per
    # half of the rows.
    m = mask((8, 16))
    add_op("constexpr_lut_to_sparse", "s_lut", {
        "indices_mask": tensor_value(m, UINT1, True),
        "indices_nonzero_data": tensor_value(rng.integers(0, 4, m.sum()),
                                             UINT2, True),
        "lut": tensor_value(rng.standard_normal((2, 1, 4, 1)), FLOAT16,
                            False),
    }, None, None, outputs=[([8, 16], UINT1), ([int(m.sum())], FLOAT16)])
    add_op("constexpr_sparse_to_dense", "s_lut_dense", {
        "mask": "s_lut_0", "nonzero_data": "s_lut_1"}, [8, 16], FLOAT16)
    add_linear("s_lut_dense")

    # Vectors of 2 along axis 1: an 8x8 index mask for the 8x16 weight.
    m = mask((8, 8))
    add_op("constexpr_lut_to_sparse", "s_vec", {
        "indices_mask": tensor_value(m, UINT1, True),
        "indices_nonzero_data": tensor_value(rng.integers(0, 4, m.sum()),
                                             UINT2, True),
        "lut": tensor_value(rng.standard_normal((1, 1, 4, 2)), FLOAT16,
                            False),
        "vector_axis": tensor_value(np.int32(1), INT32, False),
    }, None, None, outputs=[([8, 16], UINT1), ([2 * int(m.sum())], FLOAT16)])
    add_op("constexpr_sparse_to_dense", "s_vec_dense", {
        "mask": "s_vec_0", "nonzero_data": "s_vec_1"}, [8, 16], FLOAT16)
    add_linear("s_vec_dense")

    # Pruned int4 values, dequantized per row.
    m = mask((8, 16))
    add_op("constexpr_sparse_to_dense", "s_int4_q", {
        "mask": tensor_value(m, UINT1, True),
        "nonzero_data": tensor_value(rng.integers(-8, 8, m.sum()), INT4,
                                     True),
    }, [8, 16], INT4)
    add_op("constexpr_blockwise_shift_scale", "s_int4", {
        "data": "s_int4_q",
        "scale": tensor_value(rng.uniform(0.01, 0.1, (8, 1)), FLOAT16, False),
    }, [8, 16], FLOAT16)
    add_linear("s_int4")


def write_package(args, Model_pb2, mil, block, outputs, tensor_type,
                  weights):
    function = mil.Function()
    function.opset = "CoreML8"
    inp = function.inputs.add()
    inp.name = "x"
    inp.type.CopyFrom(tensor_type([1, 16], FLOAT16))
    function.block_specializations["CoreML8"].CopyFrom(block)

    model = Model_pb2.Model()
    model.specificationVersion = 9
    model.mlProgram.version = 1
    model.mlProgram.functions["main"].CopyFrom(function)
    feature = model.description.input.add()
    feature.name = "x"
    feature.type.multiArrayType.shape.extend([1, 16])
    feature.type.multiArrayType.dataType = 65552
    for name in outputs:
        feature = model.description.output.add()
        feature.name = name
        feature.type.multiArrayType.dataType = 65552

    shutil.rmtree(args.output, ignore_errors=True)
    model_dir = os.path.join(args.output, "Data", "com.apple.CoreML")
    os.makedirs(os.path.join(model_dir, "weights"))
    with open(os.path.join(model_dir, "weights", "weight.bin"), "wb") as f:
        f.write(weights.bytes())
    with open(os.path.join(model_dir, "model.mlmodel"), "wb") as f:
        f.write(model.SerializeToString())
    model_id = "0D7C2B1A-0000-4000-8000-000000000001"
    weights_id = "0D7C2B1A-0000-4000-8000-000000000002"
    entries = {
        model_id: {"author": "com.apple.CoreML",
                   "description": "CoreML Model Specification",
                   "name": "model.mlmodel",
                   "path": "com.apple.CoreML/model.mlmodel"},
        weights_id: {"author": "com.apple.CoreML",
                     "description": "CoreML Model Weights",
                     "name": "weights", "path": "com.apple.CoreML/weights"},
    }
    with open(os.path.join(args.output, "Manifest.json"), "w") as f:
        json.dump({"fileFormatVersion": "1.0.0", "itemInfoEntries": entries,
                   "rootModelIdentifier": model_id}, f, indent=4,
                  sort_keys=True)


if __name__ == "__main__":
    main()
