"""Independent checks of Core ML packages, for the tests.

Reads packages with Python's protobuf (code that protoc generates from the
project's schema, the .proto files in --schema) and walks weight files with
`struct`, sharing no code with the C++ reader and writer.

  walk WEIGHT_FILE [--strict]        check every record of a weight file
  decode PACKAGE                     print the model in protobuf text form
  compare-blobs A B                  the blobs both models use are identical
  check-palettized PALETTIZED DENSE  every constexpr op of PALETTIZED that
                                     no other reads decodes to DENSE's
                                     constant
  check-pruned ORIGINAL PALETTIZED OP NBITS
                                     the weight op OP reads, decoded in both
                                     models: zeros stay +0.0, the non-zeros
                                     take at most 2^NBITS values, each the
                                     nearest of them to the original value
"""

import argparse
import atexit
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

SENTINEL = 0xDEADBEEF
# BlobDataType code -> (name, bits, numpy dtype or None for sub-byte).
BLOB_TYPES = {
    1: ("Float16", 16, np.float16), 2: ("Float32", 32, np.float32),
    3: ("UInt8", 8, np.uint8), 4: ("Int8", 8, np.int8),
    5: ("BFloat16", 16, None), 6: ("Int16", 16, np.int16),
    7: ("UInt16", 16, np.uint16), 8: ("Int4", 4, None),
    9: ("UInt1", 1, None), 10: ("UInt2", 2, None), 11: ("UInt4", 4, None),
    12: ("UInt3", 3, None), 13: ("UInt6", 6, None), 14: ("Int32", 32, np.int32),
    15: ("UInt32", 32, np.uint32), 16: ("Float8E4M3FN", 8, None),
    17: ("Float8E5M2", 8, None),
}
# MIL DataType -> BlobDataType code.
MIL_TO_BLOB = {10: 1, 11: 2, 31: 3, 21: 4, 13: 5, 22: 6, 32: 7, 25: 8, 37: 9,
               36: 10, 35: 11, 39: 12, 38: 13, 23: 14, 33: 15, 40: 16, 41: 17}
MIL_NUMPY = {10: np.float16, 11: np.float32, 12: np.float64, 21: np.int8,
             22: np.int16, 23: np.int32, 24: np.int64, 31: np.uint8,
             32: np.uint16, 33: np.uint32, 34: np.uint64}


def fail(message):
    print("error: " + message, file=sys.stderr)
    sys.exit(1)


def load_schema(proto_dir):
    generated = tempfile.mkdtemp(prefix="coreml-schema-")
    atexit.register(shutil.rmtree, generated)
    protos = sorted(f for f in os.listdir(proto_dir) if f.endswith(".proto"))
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", generated]
                   + protos, check=True)
    sys.path.insert(0, generated)
    import Model_pb2  # noqa: E402 (generated above)
    return Model_pb2


def read_package(path, schema):
    with open(os.path.join(path, "Manifest.json")) as f:
        manifest = json.load(f)
    root = manifest["itemInfoEntries"][manifest["rootModelIdentifier"]]
    model_path = os.path.join(path, "Data", root["path"])
    model = schema.Model()
    with open(model_path, "rb") as f:
        model.ParseFromString(f.read())
    return model, os.path.dirname(model_path)


# --- weight files ----------------------------------------------------------

def read_record(data, offset, name):
    if offset < 64 or offset + 64 > len(data):
        fail(f"{name}: record at {offset} is outside the file")
    sentinel, code, size, data_offset, padding = struct.unpack_from(
        "<IIQQQ", data, offset)
    reserved = struct.unpack_from("<4Q", data, offset + 32)
    if sentinel != SENTINEL:
        fail(f"{name}: record at {offset}: sentinel {sentinel:#x}")
    if code not in BLOB_TYPES:
        fail(f"{name}: record at {offset}: unknown type code {code}")
    if data_offset + size > len(data):
        fail(f"{name}: record at {offset}: data ends past the file")
    return dict(offset=offset, code=code, size=size, data_offset=data_offset,
                padding=padding, reserved=reserved)


def walk(path, strict):
    """Checks a weight file; `strict` adds what this project's writer
    guarantees (zeroed reserved fields, data right after each record)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 64:
        fail(f"{path}: {len(data)} bytes, shorter than the header")
    count, version = struct.unpack_from("<II", data, 0)
    if version != 2:
        fail(f"{path}: version {version}")
    if strict and any(struct.unpack_from("<7Q", data, 8)):
        fail(f"{path}: reserved header fields are not zero")
    offset, end = 64, 64
    records = []
    for i in range(count):
        if offset % 64:
            fail(f"{path}: record {i} at {offset} is not 64-byte aligned")
        r = read_record(data, offset, path)
        name, bits, _ = BLOB_TYPES[r["code"]]
        if strict:
            if r["data_offset"] != offset + 64:
                fail(f"{path}: record {i}: data at {r['data_offset']}, "
                     f"expected {offset + 64}")
            if any(r["reserved"]):
                fail(f"{path}: record {i}: reserved fields are not zero")
            if bits >= 8 and r["padding"] != 0:
                fail(f"{path}: record {i}: {name} with padding {r['padding']}")
        if bits < 8:
            if r["padding"] >= 8:
                fail(f"{path}: record {i}: padding {r['padding']}")
            if (r["size"] * 8 - r["padding"]) % bits:
                fail(f"{path}: record {i}: {r['size']} bytes minus "
                     f"{r['padding']} bits is no whole number of {name}")
            if r["padding"] and r["size"]:
                last = data[r["data_offset"] + r["size"] - 1]
                if last >> (8 - r["padding"]):
                    fail(f"{path}: record {i}: padding bits are not zero")
        elif r["size"] % (bits // 8):
            fail(f"{path}: record {i}: {r['size']} bytes of {name}")
        records.append(r)
        end = r["data_offset"] + r["size"]
        offset = (end + 63) // 64 * 64
    if strict and end != len(data):
        fail(f"{path}: {len(data) - end} bytes after the last blob")
    return records


# --- values ----------------------------------------------------------------

def iter_blob_values(model):
    """(function/op name, field, Value) of every blob value of the
    program."""
    def walk_block(block):
        for op in block.operations:
            name = function_name + "/" + \
                op.attributes["name"].immediateValue.tensor.strings.values[0]
            for key, value in op.attributes.items():
                if value.WhichOneof("value") == "blobFileValue":
                    yield name, key, value
            for key, argument in op.inputs.items():
                for binding in argument.arguments:
                    if binding.WhichOneof("binding") == "value" and \
                            binding.value.WhichOneof("value") == "blobFileValue":
                        yield name, key, binding.value
            for nested in op.blocks:
                yield from walk_block(nested)
    for function_name, function in model.mlProgram.functions.items():
        for block in function.block_specializations.values():
            yield from walk_block(block)


def shape_of(value):
    return [d.constant.size for d in value.type.tensorType.dimensions]


def blob_bytes(model_dir, value):
    file_name = value.blobFileValue.fileName
    assert file_name.startswith("@model_path/")
    path = os.path.join(model_dir, file_name[len("@model_path/"):])
    with open(path, "rb") as f:
        data = f.read()
    r = read_record(data, value.blobFileValue.offset, path)
    expected = MIL_TO_BLOB[value.type.tensorType.dataType]
    if r["code"] != expected:
        fail(f"{path}: blob at {r['offset']} has type {r['code']}, the value "
             f"{expected}")
    return data[r["data_offset"]:r["data_offset"] + r["size"]]


def immediate_array(value):
    tensor = value.immediateValue.tensor
    kind = tensor.WhichOneof("value")
    dtype = value.type.tensorType.dataType
    if kind == "bytes":
        return np.frombuffer(tensor.bytes.values, MIL_NUMPY[dtype])
    return np.array(getattr(tensor, kind).values, MIL_NUMPY[dtype])


# int4 and uint4, packed two to a byte, low nibble first.
FOUR_BIT = {25: np.int8, 35: np.uint8}
UINT1 = 37


def four_bit_array(packed, dtype, count):
    if len(packed) != (count + 1) // 2:
        fail(f"{len(packed)} bytes for {count} 4-bit values")
    nibbles = unpack_indices(packed, 4, count)
    if dtype == 25:  # two's complement within the nibble
        nibbles = np.where(nibbles >= 8, nibbles - 16, nibbles)
    return nibbles.astype(FOUR_BIT[dtype])


def value_array(model_dir, value):
    dtype = value.type.tensorType.dataType
    if value.WhichOneof("value") == "blobFileValue":
        data = blob_bytes(model_dir, value)
    elif dtype in FOUR_BIT or dtype == UINT1:
        data = value.immediateValue.tensor.bytes.values
    else:
        return immediate_array(value)
    count = int(np.prod(shape_of(value)))
    if dtype == UINT1:  # a bit mask, LSB-first
        if len(data) != (count + 7) // 8:
            fail(f"{len(data)} bytes for {count} bits")
        return unpack_indices(data, 1, count).astype(np.uint8)
    if dtype in FOUR_BIT:
        return four_bit_array(data, dtype, count)
    return np.frombuffer(data, MIL_NUMPY[dtype])


def unpack_indices(packed, bits, count):
    """Indices packed LSB-first, one bit at a time: the format's definition."""
    packed = np.frombuffer(bytes(packed), np.uint8)
    stream = np.unpackbits(packed, bitorder="little")[: bits * count]
    weights = 1 << np.arange(bits)
    return (stream.reshape(count, bits) * weights).sum(axis=1)


def sub_byte_array(model_dir, value):
    """The elements of a uint1..uint8 tensor value, unpacked."""
    dtype = value.type.tensorType.dataType
    bits = {37: 1, 36: 2, 39: 3, 35: 4, 38: 6, 31: 8}[dtype]
    shape = shape_of(value)
    count = int(np.prod(shape))
    if value.WhichOneof("value") == "blobFileValue":
        packed = blob_bytes(model_dir, value)
    else:
        packed = value.immediateValue.tensor.bytes.values
    if len(packed) != (bits * count + 7) // 8:
        fail(f"{len(packed)} bytes for {count} {bits}-bit values")
    return bits, unpack_indices(packed, bits, count).reshape(shape)


# Output name -> (op, output index), for ops of several outputs.
OUTPUT_OF = {}


def decode_input(model_dir, ops, op, name):
    """An iOS18 constexpr input: a value, or another constexpr op's result."""
    binding = op.inputs[name].arguments[0]
    if binding.WhichOneof("binding") == "name":
        if binding.name in OUTPUT_OF:
            producer, index = OUTPUT_OF[binding.name]
            return decode(model_dir, ops, producer)[index]
        return decode(model_dir, ops, ops[binding.name])
    value = binding.value
    return value_array(model_dir, value).reshape(shape_of(value))


def lut_decode(indices, lut, vector_axis):
    """iOS18 LUT decoding of a dense index grid: LUT [groups..., 2^n, V],
    element p from group p // (S / G), vectors along `vector_axis`."""
    rank = indices.ndim
    groups = [np.arange(size) // (size // lut.shape[d])
              for d, size in enumerate(indices.shape)]
    grid = np.meshgrid(*groups, indexing="ij")
    values = lut[tuple(grid) + (indices,)]  # indices.shape + [V]
    vector = lut.shape[-1]
    if vector == 1:
        return values[..., 0]
    values = np.moveaxis(values, -1, vector_axis + 1)
    out = list(indices.shape)
    out[vector_axis] *= vector
    return values.reshape(out)


def decode(model_dir, ops, op):
    """The dense value of a const or constexpr op, by the format's
    definitions, computed with numpy."""
    if op.type == "const":
        val = op.attributes["val"]
        return value_array(model_dir, val).reshape(shape_of(val))
    if op.type == "constexpr_lut_to_dense" and "lut" in op.attributes:
        # iOS16: parameters as attributes, packed uint8 indices.
        lut = value_array(model_dir, op.attributes["lut"])
        shape = immediate_array(op.attributes["shape"]).astype(np.int64)
        indices = op.attributes["indices"]
        if indices.type.tensorType.dataType != 31:
            fail("iOS16 indices must be uint8")
        packed = value_array(model_dir, indices)
        bits = int(np.log2(len(lut)))
        count = int(np.prod(shape))
        if len(packed) != (bits * count + 7) // 8:
            fail(f"{len(packed)} index bytes for {count} {bits}-bit indices")
        return lut[unpack_indices(packed, bits, count)].reshape(shape)
    if op.type == "constexpr_lut_to_dense":
        # iOS18: indices of the output's shape (vector axis / V), LUT
        # [groups..., 2^n, V], element p from group p // (S / G).
        bits, indices = sub_byte_array(
            model_dir, op.inputs["indices"].arguments[0].value)
        lut = decode_input(model_dir, ops, op, "lut")
        rank = indices.ndim
        if lut.ndim != rank + 2 or lut.shape[rank] != 1 << bits:
            fail(f"LUT of shape {lut.shape} for {bits}-bit indices of rank {rank}")
        axis = (int(decode_input(model_dir, ops, op, "vector_axis"))
                if lut.shape[-1] > 1 else 0)
        return lut_decode(indices, lut, axis)
    if op.type == "constexpr_sparse_to_dense":
        # The values where the mask has a bit, row-major; zero elsewhere.
        mask = decode_input(model_dir, ops, op, "mask")
        data = decode_input(model_dir, ops, op, "nonzero_data")
        if np.count_nonzero(mask) != data.size:
            fail(f"a mask of {np.count_nonzero(mask)} bits for {data.size} values")
        dense = np.zeros(mask.shape, data.dtype)
        dense[mask != 0] = data
        return dense
    if op.type == "constexpr_lut_to_sparse":
        # The stored indices scattered into a grid (index 0 elsewhere),
        # decoded as a dense LUT; the mask repeated along the vector axis;
        # the values where it has a bit, row-major.
        grid_mask = decode_input(model_dir, ops, op, "indices_mask")
        bits, stored = sub_byte_array(
            model_dir, op.inputs["indices_nonzero_data"].arguments[0].value)
        lut = decode_input(model_dir, ops, op, "lut")
        indices = np.zeros(grid_mask.shape, np.int64)
        indices[grid_mask != 0] = stored
        axis = (int(decode_input(model_dir, ops, op, "vector_axis"))
                if lut.shape[-1] > 1 else 0)
        dense = lut_decode(indices, lut, axis)
        mask = np.repeat(grid_mask, lut.shape[-1], axis=axis)
        return mask, dense[mask != 0]
    if op.type == "constexpr_blockwise_shift_scale":
        data = decode_input(model_dir, ops, op, "data")
        scale = decode_input(model_dir, ops, op, "scale")
        offset = (decode_input(model_dir, ops, op, "offset")
                  if "offset" in op.inputs else np.zeros_like(scale, data.dtype))
        def expand(x):
            for d in range(x.ndim):
                x = np.repeat(x, data.shape[d] // x.shape[d], axis=d)
            return x
        # scale * (data - offset), computed in f32, rounded once.
        result = expand(scale.astype(np.float32)) * (
            data.astype(np.float32) - expand(offset.astype(np.float32)))
        return result.astype(scale.dtype)
    fail(f"cannot decode a {op.type}")


def ops_by_name(model):
    found = {}

    def walk_block(block):
        for op in block.operations:
            name = op.attributes["name"].immediateValue.tensor.strings.values[0]
            found[name] = op
            if len(op.outputs) > 1:
                for index, output in enumerate(op.outputs):
                    OUTPUT_OF[output.name] = (op, index)
            for nested in op.blocks:
                walk_block(nested)
    for function in model.mlProgram.functions.values():
        for block in function.block_specializations.values():
            walk_block(block)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("command")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    schema = load_schema(args.schema)

    if args.command == "walk":
        records = walk(args.paths[0], args.strict)
        print(f"weight file: {len(records)} blobs, "
              f"{sum(r['size'] for r in records)} data bytes")
    elif args.command == "decode":
        from google.protobuf import text_format
        model, _ = read_package(args.paths[0], schema)
        print(text_format.MessageToString(model), end="")
    elif args.command == "compare-blobs":
        (a, a_dir), (b, b_dir) = (read_package(p, schema) for p in args.paths)
        a_values = {(n, k): v for n, k, v in iter_blob_values(a)}
        b_values = {(n, k): v for n, k, v in iter_blob_values(b)}
        if a_values.keys() != b_values.keys():
            fail(f"blob values differ: {sorted(a_values.keys() ^ b_values.keys())}")
        for key in sorted(a_values):
            if blob_bytes(a_dir, a_values[key]) != blob_bytes(b_dir, b_values[key]):
                fail(f"blob of {key} differs")
        print(f"{len(a_values)} blobs identical")
    elif args.command == "check-palettized":
        (p, p_dir), (d, d_dir) = (read_package(x, schema) for x in args.paths)
        ops, dense_ops = ops_by_name(p), ops_by_name(d)
        # The compressed weights: constexpr ops no other constexpr op reads.
        read = {b.name for op in ops.values() if op.type.startswith("constexpr_")
                for a in op.inputs.values() for b in a.arguments
                if b.WhichOneof("binding") == "name"}
        # An op of several outputs is read through them.
        read |= {name for name, op in ops.items()
                 if any(o.name in read for o in op.outputs)}
        checked, forms = 0, set()
        for name, op in sorted(ops.items()):
            if not op.type.startswith("constexpr_") or name in read:
                continue
            decoded = decode(p_dir, ops, op)
            dense = dense_ops.get(name)
            if dense is None or dense.type != "const":
                fail(f"{name}: no const of that name in the dense model")
            expected = decode(d_dir, dense_ops, dense)
            if decoded.dtype != expected.dtype or decoded.shape != expected.shape \
                    or decoded.tobytes() != expected.tobytes():
                fail(f"{name}: decodes to other values than the dense model's")
            forms.add(op.type + (" (iOS16)" if "lut" in op.attributes else ""))
            checked += 1
        print(f"{checked} palettized weights decode to the dense values: "
              + ", ".join(sorted(forms)))
    elif args.command == "check-pruned":
        original_path, palettized_path, consumer, nbits = args.paths
        weights = []
        for path in (original_path, palettized_path):
            model, model_dir = read_package(path, schema)
            ops = ops_by_name(model)
            weight = ops[ops[consumer].inputs["weight"].arguments[0].name]
            weights.append((weight.type, decode(model_dir, ops, weight)))
        (_, original), (form, result) = weights
        original = original.astype(np.float16).reshape(-1)
        result = result.astype(np.float16).reshape(-1)
        zero = original.view(np.uint16) & 0x7FFF == 0
        if np.any(result[zero].view(np.uint16) != 0):
            fail(f"{consumer}: a zero does not decode to +0.0")
        values = np.unique(result[~zero].astype(np.float64))
        if len(values) > 2 ** int(nbits):
            fail(f"{consumer}: {len(values)} distinct non-zero values")
        x = original[~zero].astype(np.float64)
        distance = np.abs(x[:, None] - values[None, :])
        nearest = values[np.argmin(distance, axis=1)]
        if not np.array_equal(np.abs(x - nearest),
                              np.abs(x - result[~zero].astype(np.float64))):
            fail(f"{consumer}: a non-zero is not its nearest value")
        print(f"{consumer}: {form}, {int(np.sum(~zero))} of {len(original)} "
              f"non-zero, {len(values)} values, zeros exact, each the "
              "nearest")
    else:
        fail("unknown command " + args.command)


if __name__ == "__main__":
    main()
