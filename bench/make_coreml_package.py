#!/usr/bin/python3
"""Writes a synthetic transformer-shaped Core ML package directly.

    bench/make_coreml_package.py OUT.mlpackage --params 1B [--seed 0]

An ML Program (specification 7, opset CoreML6) with one function `main`
whose layers are chains of Core ML ops over fp16 blob weights in
weights/weight.bin: per layer four [d, d] `linear` projections, `linear`
up and gate projections [f, d], a `mul`, and a `matmul` down projection of
a [f, d] weight (transpose_y false). The weights are seeded Gaussians
(standard deviation 0.02), written a tensor at a time, so memory stays
small at any size. The model and manifest are built with Python's protobuf
from the project's schema; the weight file is written with `struct`.

Sizes (`--params`): 100M (d 1024, f 2816, 9 layers), 1B (d 2048, f 5632,
20 layers), 7B (d 4096, f 11008, 35 layers), or d:f:layers.
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "lib", "Target", "CoreML", "Schema")
SIZES = {"100M": (1024, 2816, 9), "1B": (2048, 5632, 20),
         "7B": (4096, 11008, 35)}
FLOAT16, BOOL, STRING = 10, 1, 2
BLOB_FLOAT16 = 1


def load_schema():
    generated = tempfile.mkdtemp(prefix="coreml-schema-")
    protos = sorted(f for f in os.listdir(SCHEMA) if f.endswith(".proto"))
    subprocess.run(["protoc", "-I", SCHEMA, "--python_out", generated]
                   + protos, check=True)
    sys.path.insert(0, generated)
    import Model_pb2  # noqa: E402
    shutil.rmtree(generated)
    return Model_pb2


class WeightWriter:
    """MILBlob storage v2: 64-byte header, 64-byte aligned records."""

    def __init__(self, path):
        self.file = open(path, "wb")
        self.file.write(struct.pack("<II", 0, 2) + bytes(56))
        self.count = 0

    def add(self, array):
        position = self.file.tell()
        offset = (position + 63) // 64 * 64
        self.file.write(bytes(offset - position))
        data = array.tobytes()
        self.file.write(struct.pack("<IIQQQ", 0xDEADBEEF, BLOB_FLOAT16,
                                    len(data), offset + 64, 0) + bytes(32))
        self.file.write(data)
        self.count += 1
        return offset

    def close(self):
        self.file.seek(0)
        self.file.write(struct.pack("<I", self.count))
        self.file.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--params", default="1B")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.params in SIZES:
        d, f, layers = SIZES[args.params]
    else:
        d, f, layers = (int(x) for x in args.params.split(":"))
    schema = load_schema()
    import MIL_pb2 as mil  # noqa: E402,F811 (generated with Model_pb2)

    shutil.rmtree(args.output, ignore_errors=True)
    model_dir = os.path.join(args.output, "Data", "com.apple.CoreML")
    os.makedirs(os.path.join(model_dir, "weights"))
    weights = WeightWriter(os.path.join(model_dir, "weights", "weight.bin"))
    rng = np.random.default_rng(args.seed)

    def tensor_type(shape, dtype=FLOAT16):
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

    block = mil.Block()
    parameters = 0

    def add_op(op_type, name, inputs, shape):
        op = block.operations.add()
        op.type = op_type
        op.attributes["name"].CopyFrom(string_value(name))
        for key, value in inputs.items():
            op.inputs[key].arguments.add().name = value
        out = op.outputs.add()
        out.name = name
        out.type.CopyFrom(tensor_type(shape))
        return name

    def add_weight(name, shape):
        nonlocal parameters
        values = (rng.standard_normal(shape, dtype=np.float32) * 0.02
                  ).astype(np.float16)
        parameters += values.size
        op = block.operations.add()
        op.type = "const"
        op.attributes["name"].CopyFrom(string_value(name))
        val = op.attributes["val"]
        val.type.CopyFrom(tensor_type(shape))
        val.blobFileValue.fileName = "@model_path/weights/weight.bin"
        val.blobFileValue.offset = weights.add(values)
        out = op.outputs.add()
        out.name = name
        out.type.CopyFrom(tensor_type(shape))
        return name

    op = block.operations.add()
    op.type = "const"
    op.attributes["name"].CopyFrom(string_value("no_transpose"))
    val = op.attributes["val"]
    val.type.tensorType.dataType = BOOL
    val.immediateValue.tensor.bools.values.append(False)
    out = op.outputs.add()
    out.name = "no_transpose"
    out.type.tensorType.dataType = BOOL

    x = "x"
    for layer in range(layers):
        p = f"layer{layer}"
        a = x
        for proj in ("q", "k", "v", "o"):
            w = add_weight(f"{p}_{proj}_weight", [d, d])
            a = add_op("linear", f"{p}_{proj}", {"x": a, "weight": w}, [1, d])
        up = add_op("linear", f"{p}_up",
                    {"x": a, "weight": add_weight(f"{p}_up_weight", [f, d])},
                    [1, f])
        gate = add_op("linear", f"{p}_gate",
                      {"x": a, "weight": add_weight(f"{p}_gate_weight", [f, d])},
                      [1, f])
        h = add_op("mul", f"{p}_mul", {"x": up, "y": gate}, [1, f])
        down = add_weight(f"{p}_down_weight", [f, d])
        x = add_op("matmul", f"{p}_down",
                   {"x": h, "y": down, "transpose_x": "no_transpose",
                    "transpose_y": "no_transpose"}, [1, d])
    block.outputs.append(x)
    weights.close()

    function = mil.Function()
    function.opset = "CoreML6"
    inp = function.inputs.add()
    inp.name = "x"
    inp.type.CopyFrom(tensor_type([1, d]))
    function.block_specializations["CoreML6"].CopyFrom(block)

    model = schema.Model()
    model.specificationVersion = 7
    model.mlProgram.version = 1
    model.mlProgram.functions["main"].CopyFrom(function)
    feature = model.description.input.add()
    feature.name = "x"
    feature.type.multiArrayType.shape.extend([1, d])
    feature.type.multiArrayType.dataType = 65552
    feature = model.description.output.add()
    feature.name = x
    feature.type.multiArrayType.dataType = 65552
    with open(os.path.join(model_dir, "model.mlmodel"), "wb") as out:
        out.write(model.SerializeToString())

    model_id = "4E1F0C6A-0000-4000-8000-000000000001"
    weights_id = "4E1F0C6A-0000-4000-8000-000000000002"
    entries = {
        model_id: {"author": "com.apple.CoreML",
                   "description": "CoreML Model Specification",
                   "name": "model.mlmodel",
                   "path": "com.apple.CoreML/model.mlmodel"},
        weights_id: {"author": "com.apple.CoreML",
                     "description": "CoreML Model Weights",
                     "name": "weights", "path": "com.apple.CoreML/weights"},
    }
    with open(os.path.join(args.output, "Manifest.json"), "w") as out:
        json.dump({"fileFormatVersion": "1.0.0", "itemInfoEntries": entries,
                   "rootModelIdentifier": model_id}, out, indent=4,
                  sort_keys=True)
    print(f"{args.output}: {parameters} parameters, {layers} layers, "
          f"d={d}, f={f}")


if __name__ == "__main__":
    main()
