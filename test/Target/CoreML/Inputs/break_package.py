"""Writes a copy of a package with one defect, for the bad-input tests.

  break_package.py --schema DIR SOURCE DEST CASE
"""

import argparse
import json
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
import coreml_check  # noqa: E402


def model_path(package):
    with open(os.path.join(package, "Manifest.json")) as f:
        manifest = json.load(f)
    item = manifest["itemInfoEntries"][manifest["rootModelIdentifier"]]
    return os.path.join(package, "Data", item["path"])


def weight_path(package):
    return os.path.join(os.path.dirname(model_path(package)), "weights",
                        "weight.bin")


def edit_model(package, schema, edit):
    path = model_path(package)
    model = schema.Model()
    with open(path, "rb") as f:
        model.ParseFromString(f.read())
    edit(model)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def first_op(model, op_type, predicate=lambda op: True):
    block = model.mlProgram.functions["main"].block_specializations["CoreML6"]
    return next(op for op in block.operations
                if op.type == op_type and predicate(op))


def is_blob(op):
    return op.attributes["val"].WhichOneof("value") == "blobFileValue"


def patch(path, offset, fmt, value):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(struct.pack(fmt, value))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("source")
    parser.add_argument("dest")
    parser.add_argument("case")
    args = parser.parse_args()
    schema = coreml_check.load_schema(args.schema)
    shutil.rmtree(args.dest, ignore_errors=True)
    shutil.copytree(args.source, args.dest)
    for root, dirs, files in os.walk(args.dest):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o755)
    pkg, case = args.dest, args.case

    if case == "no-manifest":
        os.remove(os.path.join(pkg, "Manifest.json"))
    elif case == "bad-json":
        with open(os.path.join(pkg, "Manifest.json"), "w") as f:
            f.write('{"fileFormatVersion": "1.0.0", ')
    elif case == "no-root":
        path = os.path.join(pkg, "Manifest.json")
        with open(path) as f:
            manifest = json.load(f)
        manifest["rootModelIdentifier"] = "0000"
        with open(path, "w") as f:
            json.dump(manifest, f)
    elif case == "escaping-path":
        path = os.path.join(pkg, "Manifest.json")
        with open(path) as f:
            manifest = json.load(f)
        root = manifest["rootModelIdentifier"]
        manifest["itemInfoEntries"][root]["path"] = "../../etc/passwd"
        with open(path, "w") as f:
            json.dump(manifest, f)
    elif case == "garbage-model":
        with open(model_path(pkg), "wb") as f:
            f.write(b"\xff" * 64)
    elif case == "not-program":
        def edit(model):
            model.ClearField("mlProgram")
        edit_model(pkg, schema, edit)
    elif case == "no-weights":
        os.remove(weight_path(pkg))
    elif case == "short-header":
        with open(weight_path(pkg), "r+b") as f:
            f.truncate(10)
    elif case == "truncated-weights":
        with open(weight_path(pkg), "r+b") as f:
            f.truncate(1000)
    elif case == "bad-version":
        patch(weight_path(pkg), 4, "<I", 3)
    elif case == "bad-sentinel":
        patch(weight_path(pkg), 64, "<I", 0x12345678)
    elif case == "unknown-blob-type":
        patch(weight_path(pkg), 68, "<I", 99)
    elif case == "dtype-mismatch":
        patch(weight_path(pkg), 68, "<I", 1)  # Float16 where Float32 is
    elif case == "size-mismatch":
        patch(weight_path(pkg), 72, "<Q", 4)
    elif case == "offset-past-end":
        def edit(model):
            first_op(model, "const", is_blob).attributes["val"] \
                .blobFileValue.offset = 1 << 40
        edit_model(pkg, schema, edit)
    elif case == "escaping-blob":
        def edit(model):
            first_op(model, "const", is_blob).attributes["val"] \
                .blobFileValue.fileName = "@model_path/../../Manifest.json"
        edit_model(pkg, schema, edit)
    elif case == "shape-overflow":
        def edit(model):
            val = first_op(model, "const", is_blob).attributes["val"]
            dims = val.type.tensorType.dimensions
            val.type.tensorType.rank = 3
            for size in (1 << 40, 1 << 40):
                dims.add().constant.size = size
            op = first_op(model, "const", is_blob)
            op.outputs[0].type.CopyFrom(val.type)
        edit_model(pkg, schema, edit)
    elif case == "undefined-name":
        def edit(model):
            op = first_op(model, "sigmoid")
            op.inputs["x"].arguments[0].name = "no_such_value"
        edit_model(pkg, schema, edit)
    elif case == "unknown-op":
        def edit(model):
            first_op(model, "sigmoid").type = "my_vendor_sigmoid"
        edit_model(pkg, schema, edit)
    elif case == "multifunction":
        # A second function, "second", whose blobs live in a second weight
        # file; in "main", two constants share one blob.
        weights = weight_path(pkg)
        shutil.copyfile(weights, os.path.join(os.path.dirname(weights),
                                              "1-weight.bin"))

        def edit(model):
            functions = model.mlProgram.functions
            second = functions["second"]
            second.CopyFrom(functions["main"])
            for op in second.block_specializations["CoreML6"].operations:
                if op.type == "const" and is_blob(op):
                    op.attributes["val"].blobFileValue.fileName = \
                        "@model_path/weights/1-weight.bin"
            main_ops = functions["main"].block_specializations["CoreML6"]
            by_name = {o.attributes["name"].immediateValue.tensor.strings
                       .values[0]: o for o in main_ops.operations}
            by_name["DTLN_AEC_Part1_lpb_norm_add_1_ReadVariableOp"] \
                .attributes["val"].blobFileValue.offset = \
                by_name["DTLN_AEC_Part1_lpb_norm_mul_ReadVariableOp"] \
                .attributes["val"].blobFileValue.offset
        edit_model(pkg, schema, edit)
    elif case == "unknown-fields":
        # Fields the schema does not know, on the model, the program, an op
        # and a value: appended as raw tag/value bytes.
        def edit(model):
            program = model.mlProgram
            op = first_op(model, "sigmoid")
            const = first_op(model, "const", lambda o: not is_blob(o))
            # field 4242 varint 7; field 4343 length-delimited "keep".
            extra_varint = bytes([0x90, 0x89, 0x02, 0x07])
            extra_bytes = bytes([0xBA, 0x8F, 0x02, 0x04]) + b"keep"
            for message in (program, op, const.attributes["val"]):
                message.MergeFromString(extra_varint + extra_bytes)
            model.MergeFromString(extra_bytes)
        edit_model(pkg, schema, edit)
    elif case in ("extra-items", "missing-item", "escaping-item"):
        # Items besides the model, as other tools add them: a directory of
        # files and a single file, under a vendor's directory.
        path = os.path.join(pkg, "Manifest.json")
        with open(path) as f:
            manifest = json.load(f)
        vendor = os.path.join(pkg, "Data", "com.example.vendor")
        os.makedirs(os.path.join(vendor, "notes", "deeper"))
        with open(os.path.join(vendor, "notes", "readme.txt"), "w") as f:
            f.write("kept as it is\n")
        with open(os.path.join(vendor, "notes", "deeper", "data.bin"),
                  "wb") as f:
            f.write(bytes(range(256)))
        with open(os.path.join(vendor, "labels.json"), "w") as f:
            f.write('["speech", "echo"]\n')
        entries = manifest["itemInfoEntries"]
        entries["A0000000-0000-4000-8000-00000000000A"] = {
            "author": "com.example.vendor", "description": "Vendor notes",
            "name": "notes", "path": "com.example.vendor/notes"}
        entries["F0000000-0000-4000-8000-00000000000F"] = {
            "author": "com.example.vendor", "description": "Labels",
            "name": "labels.json", "path": "com.example.vendor/labels.json"}
        if case == "missing-item":
            os.remove(os.path.join(vendor, "labels.json"))
        if case == "escaping-item":
            entries["F0000000-0000-4000-8000-00000000000F"]["path"] = \
                "com.example.vendor/../../../labels.json"
        with open(path, "w") as f:
            json.dump(manifest, f, indent=4, sort_keys=True)
            f.write("\n")
    else:
        sys.exit("unknown case " + case)


if __name__ == "__main__":
    main()
