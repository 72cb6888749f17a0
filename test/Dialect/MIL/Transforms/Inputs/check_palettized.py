#!/usr/bin/python3
"""Checks palettize-weights' output against the original weights, and
mil-materialize-constexpr against an independent decoder.

    check_palettized.py ORIGINAL PALETTIZED MATERIALIZED [--mode MODE]
                        [--mode NAME=MODE ...]

ORIGINAL is the pass's input printed with
--mlir-print-elementsattrs-with-hex-if-larger=0 --mlir-print-debuginfo
(so that NameLocs show); PALETTIZED is the pass's
output printed with hex attributes, and MATERIALIZED that output through
mil-materialize-constexpr="max-dense-elements=0". `--mode` gives the mode
the constants were palettized with (all of them, or one by name); without
it only the checks that hold in every mode run.

For every constant of PALETTIZED that a chain of mil ops rebuilds (a
mil.constexpr_lut_to_dense with an attribute or a dequantized 8-bit LUT,
optionally under a per-channel mil.constexpr_blockwise_shift_scale), this
evaluates the chain with numpy, independently of the project's C++ code,
and checks:

* decoding: the evaluation has the bytes of MATERIALIZED's mil.const of
  the same name;
* scales: a per-channel scale is the channel's largest magnitude in
  ORIGINAL (1 for an all-zero channel), and the LUT op's input is ORIGINAL
  divided by it, rounded to the element type;
* the LUT: rows past the last one any index uses are 0 (or, in an 8-bit
  LUT, repeat an earlier row, which ties then leave unused); scalar palettes
  ascend (strictly for float LUTs, where -0 sorts before +0);
* assignment: every element (vector) takes its group's nearest used LUT
  entry (row), the lower index on ties, an exact match by bit pattern
  first; in uniform mode with a float LUT instead the grid index
  round_half_even((x - lo) / (hi - lo) * (2^n - 1)) and the grid values;
* exactness: unique mode, and kmeans whenever a group has at most 2^n
  distinct values (vectors), reproduce the input bit for bit; unique uses
  the smallest of 1, 2, 3, 4, 6, 8 bits that holds the largest group, and
  kmeans with a float scalar LUT uses min(distinct, 2^n) entries per group.

Prints one line per constant, then a count; exits 1 on any failure or when
nothing was checked.
"""

import argparse
import re
import sys

import numpy as np

TENSOR = r"tensor<(?P<{0}shape>[0-9x]+)x(?P<{0}type>\w+)>"
FLOAT_TYPES = ("f16", "bf16", "f32")
BIT_WIDTHS = (1, 2, 3, 4, 6, 8)


def dense_re(name):
    """A dense attribute and its type, as groups NAME, NAME_shape, NAME_type."""
    return rf"dense<(?P<{name}>[^>]+)> : " + TENSOR.format(name + "_")


# A constant of any of the three files: mil.const (named by its attribute)
# or arith.constant (named by its NameLoc), dense or dense_resource.
CONST = re.compile(
    r'%(?P<result>[\w.]+) = (?:mil\.const (?:"(?P<name>[^"]+)" )?|'
    r'arith\.constant )'
    r'(?:dense_resource<(?P<key>[^>]+)>|dense<(?P<value>[^>]+)>) : '
    + TENSOR.format("") +
    r'(?: loc\((?:"(?P<loc>[^"]+)"\)|(?P<alias>#loc\d*)\)))?')
LOC_ALIAS = re.compile(r'^(?P<alias>#loc\d*) = loc\("(?P<name>[^"]+)"\)$',
                       re.M)
SHIFT = re.compile(
    r'%(?P<result>[\w.]+) = mil\.constexpr_blockwise_shift_scale '
    r'"(?P<name>[^"]+)" %(?P<data>[\w.]+) '
    r'scale\(' + dense_re("scale") + r'\)'
    r'(?: offset\(' + dense_re("offset") + r'\))?'
    r' : ' + TENSOR.format("data_") + ' -> ' + TENSOR.format(""))
LUT = re.compile(
    r'%(?P<result>[\w.]+) = mil\.constexpr_lut_to_dense "(?P<name>[^"]+)" '
    r'lut\((?:%(?P<operand>[\w.]+) : [^)]+|' + dense_re("lut") + r')\) '
    r'indices\(dense_resource<(?P<key>[^>]+)> : tensor<\d+xui8>\)'
    r'(?: vector_axis\((?P<axis>\d+)\))? : ' + TENSOR.format(""))
BLOB = re.compile(r'^\s*"?(?P<key>[^":\s]+)"?: "0x(?P<hex>[0-9A-F]*)"', re.M)


#===------------------------------------------------------------------------===#
# Values: float64 arrays of a named element type
#===------------------------------------------------------------------------===#

def from_bytes(raw, type_name, shape):
    """The numbers stored little-endian in `raw`, as float64 (or int64)."""
    if type_name == "f32":
        values = np.frombuffer(raw, dtype="<f4").astype(np.float64)
    elif type_name == "f16":
        values = np.frombuffer(raw, dtype="<f2").astype(np.float64)
    elif type_name == "bf16":
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        values = bits.view(np.float32).astype(np.float64)
    elif type_name == "i8":
        values = np.frombuffer(raw, dtype=np.int8).astype(np.int64)
    elif type_name == "ui8":
        values = np.frombuffer(raw, dtype=np.uint8).astype(np.int64)
    else:
        raise ValueError(f"unsupported element type {type_name}")
    return values.reshape(shape)


def round_to(values, type_name):
    """Rounds float64 values to the nearest of `type_name` (ties to even)."""
    values = np.asarray(values, dtype=np.float64)
    if type_name == "f16":
        return values.astype(np.float16).astype(np.float64)
    single = values.astype(np.float32)
    if type_name == "f32":
        return single.astype(np.float64)
    # bf16 through f32: rounding twice is innocuous, 24 >= 2 * 8 + 2 bits.
    # (1-d and uint64 constants throughout: a 0-d array would take numpy's
    # value-based casting to float.)
    bits = np.atleast_1d(single).view(np.uint32).astype(np.uint64)
    sixteen = np.uint64(16)
    rounded = (bits + np.uint64(0x7FFF) + ((bits >> sixteen) & np.uint64(1))
               ) >> sixteen << sixteen
    result = rounded.astype(np.uint32).view(np.float32).astype(np.float64)
    return result.reshape(single.shape)


def to_bytes(values, type_name):
    if type_name == "f32":
        return values.astype("<f4").tobytes()
    if type_name == "f16":
        return values.astype("<f2").tobytes()
    bits = values.astype(np.float32).view(np.uint32) >> 16
    return bits.astype("<u2").tobytes()


def bit_keys(values, type_name):
    """The stored bit pattern of each value (to tell -0 from +0)."""
    return np.frombuffer(to_bytes(values, type_name),
                         dtype="<u4" if type_name == "f32" else "<u2")


def shape_of(text):
    return tuple(int(d) for d in text.split("x"))


def dense(payload, shape, type_name):
    """A dense attribute's value: hex bytes, or one splat number."""
    if payload.startswith('"0x'):
        return from_bytes(bytes.fromhex(payload[3:-1]), type_name, shape)
    if type_name in FLOAT_TYPES:
        # The printed decimal names a value of the type: round it there.
        return np.full(shape, round_to(float(payload), type_name))
    return np.full(shape, int(payload), dtype=np.int64)


def blocks(values, shape):
    """Repeats per-block values to `shape` (each dim a multiple)."""
    for axis, size in enumerate(shape):
        values = np.repeat(values, size // values.shape[axis], axis=axis)
    return values


def block_max_abs(values, block_shape):
    """The largest magnitude of each block of `values`."""
    split = []
    for size, count in zip(values.shape, block_shape):
        split += [count, size // count]
    return np.abs(values).reshape(split).max(
        axis=tuple(range(1, 2 * len(block_shape), 2)), initial=0.0)


#===------------------------------------------------------------------------===#
# Parsing
#===------------------------------------------------------------------------===#

def read_blobs(text):
    """Resource blobs by key, without their 4-byte alignment prefix."""
    return {m["key"]: bytes.fromhex(m["hex"])[4:] for m in BLOB.finditer(text)}


def original_constants(text):
    """ORIGINAL's float constants by name: (values, type name)."""
    blobs, constants = read_blobs(text), {}
    aliases = {m["alias"]: m["name"] for m in LOC_ALIAS.finditer(text)}
    for m in CONST.finditer(text):
        name = m["name"] or m["loc"] or aliases.get(m["alias"])
        if not name or m["type"] not in FLOAT_TYPES:
            continue
        shape = shape_of(m["shape"])
        if m["key"]:
            if m["key"] not in blobs:
                continue
            values = from_bytes(blobs[m["key"]], m["type"], shape)
        else:
            values = dense(m["value"], shape, m["type"])
        constants[name] = (values, m["type"])
    return constants


class Lut:
    """One mil.constexpr_lut_to_dense, decoded."""

    def __init__(self, table, table_is_float, indices, shape, axis, type_name):
        self.table = table                  # groups + (2^n, vector)
        self.table_is_float = table_is_float
        self.indices = indices              # the index grid
        self.shape, self.axis, self.type = shape, axis, type_name
        rank = len(shape)
        self.groups = table.shape[:rank]
        self.palette, self.vector = table.shape[rank], table.shape[-1]
        self.nbits = self.palette.bit_length() - 1

    def points(self, values):
        """`values` (of the result's shape) as grid + (vector,)."""
        a, d = self.axis, self.vector
        split = self.shape[:a] + (self.shape[a] // d, d) + self.shape[a + 1:]
        return np.moveaxis(values.reshape(split), a + 1, -1)

    def group_ids(self):
        """The flat group number of every grid position."""
        grid = self.indices.shape
        position = np.indices(grid)
        group = np.zeros(grid, dtype=np.int64)
        for d in range(len(grid)):
            group = group * self.groups[d] + position[d] // (
                grid[d] // self.groups[d])
        return group

    def decode(self):
        flat = self.table.reshape(-1, self.palette, self.vector)
        rows = flat[self.group_ids(), self.indices]   # grid + (vector,)
        if self.vector == 1:
            return rows[..., 0]
        rows = np.moveaxis(rows, -1, self.axis + 1)
        return rows.reshape(self.shape)


def parse_chains(palettized):
    """Evaluates every op of PALETTIZED; returns the values by SSA name, the
    LUT ops by SSA name, and the (name, result, op) of each evaluated op."""
    index_blobs = read_blobs(palettized)
    values, types, luts, shifts, named = {}, {}, {}, {}, []
    for line in palettized.splitlines():
        if m := SHIFT.search(line):
            data = values[m["data"]]
            shape = shape_of(m["shape"])
            scale = dense(m["scale"], shape_of(m["scale_shape"]),
                          m["scale_type"]).astype(np.float32)
            shifted = data.astype(np.float32)
            if m["offset"]:
                offset = dense(m["offset"], shape_of(m["offset_shape"]),
                               m["offset_type"]).astype(np.float32)
                shifted = shifted - blocks(offset, shape)
            # In f32, rounded once to the result type.
            product = blocks(scale, shape) * shifted
            values[m["result"]] = round_to(product.astype(np.float64),
                                           m["type"])
            types[m["result"]] = m["type"]
            shifts[m["result"]] = m
            named.append((m["name"], m["result"]))
        elif m := LUT.search(line):
            shape = shape_of(m["shape"])
            rank = len(shape)
            if m["operand"]:
                table = values[m["operand"]]
                table_is_float = not (m["operand"] in shifts)
            else:
                table = dense(m["lut"], shape_of(m["lut_shape"]),
                              m["lut_type"])
                table_is_float = True
            if table.ndim == 1:
                table = table.reshape((1,) * rank + (table.shape[0], 1))
            axis = int(m["axis"]) if m["axis"] else 0
            vector = table.shape[-1]
            grid = list(shape)
            grid[axis] //= vector
            nbits = table.shape[rank].bit_length() - 1
            count = int(np.prod(grid))
            packed = np.frombuffer(index_blobs[m["key"]], dtype=np.uint8)
            # Bit j of index i is bit (n*i + j) % 8 of byte (n*i + j) / 8.
            bits = np.unpackbits(packed, bitorder="little")[:count * nbits]
            indices = (bits.reshape(count, nbits).astype(np.int64)
                       @ (1 << np.arange(nbits, dtype=np.int64))).reshape(grid)
            lut = Lut(table, table_is_float, indices, shape, axis, m["type"])
            values[m["result"]] = lut.decode()
            types[m["result"]] = m["type"]
            luts[m["result"]] = lut
            named.append((m["name"], m["result"]))
        elif m := CONST.search(line):
            if m["value"]:
                values[m["result"]] = dense(m["value"], shape_of(m["shape"]),
                                            m["type"])
                types[m["result"]] = m["type"]
    return values, types, luts, shifts, named


#===------------------------------------------------------------------------===#
# Checks against the original
#===------------------------------------------------------------------------===#

def expected_nearest(points, keys, rows, row_keys, exact):
    """The index of each point's nearest row, lower on ties; with `exact`,
    the row with the point's bit pattern. points: (N, d), rows: (U, d)."""
    if exact:
        lookup = {tuple(k): i for i, k in enumerate(row_keys)}
        return np.array([lookup.get(tuple(k), -1) for k in keys],
                        dtype=np.int64)
    nearest = np.empty(points.shape[0], dtype=np.int64)
    for start in range(0, points.shape[0], 1 << 14):  # bounded memory
        chunk = points[start:start + (1 << 14)]
        distance = np.zeros((chunk.shape[0], rows.shape[0]))
        for t in range(chunk.shape[1]):  # summed in order, as in double
            difference = chunk[:, t, None] - rows[None, :, t]
            distance = distance + difference * difference
        nearest[start:start + chunk.shape[0]] = np.argmin(distance, axis=1)
    return nearest


def check_lut(lut, x, mode, problems):
    """Checks LUT op `lut` against its input `x` (ORIGINAL, or normalized)."""
    points = lut.points(x)
    keys = lut.points(bit_keys(x, lut.type).reshape(x.shape).astype(
        np.int64))
    group = lut.group_ids()
    flat_table = lut.table.reshape(-1, lut.palette, lut.vector)
    if not np.all(np.isfinite(flat_table)):
        problems.append(f"{lut.type} LUT holds non-finite entries "
                        "(a weight decodes to infinity or NaN)")
    largest_group_distinct = 0
    for g in range(flat_table.shape[0]):
        here = group == g
        idx = lut.indices[here]
        if idx.size == 0:
            continue
        p, k = points[here], keys[here]
        rows = flat_table[g]
        used = int(idx.max()) + 1
        row_keys = np.stack([bit_keys(rows[:, t], lut.type).astype(np.int64)
                             for t in range(lut.vector)], axis=1)
        distinct = {tuple(r) for r in k}
        largest_group_distinct = max(largest_group_distinct, len(distinct))
        where = f"group {g}" if flat_table.shape[0] > 1 else "LUT"
        # Past the last used row: zero padding, or (8-bit LUTs) a row whose
        # dequantized value repeats an earlier one, so that ties left it.
        for r in range(used, lut.palette):
            if np.any(rows[r] != 0) and (lut.table_is_float or not any(
                    np.array_equal(rows[r], rows[e]) for e in range(r))):
                problems.append(f"{where}: row {r}, past the last used one, "
                                "is neither 0 nor a repeated 8-bit row")
                break
        if lut.vector == 1:
            column = rows[:used, 0]
            # Total order with -0 before +0.
            order = list(zip(column, ~np.signbit(column)))
            strictly = lut.table_is_float
            if any((order[e] >= order[e + 1]) if strictly else
                   (column[e] > column[e + 1]) for e in range(used - 1)):
                problems.append(f"{where}: used entries do not ascend")
        if mode == "uniform" and lut.table_is_float:
            lo, hi = p.min(), p.max()
            levels = lut.palette - 1
            grid = round_to(lo + np.arange(lut.palette) * (hi - lo) / levels,
                            lut.type)
            if not np.array_equal(rows[:, 0], grid):
                problems.append(f"{where}: LUT is not the uniform grid "
                                f"over [{lo}, {hi}]")
            expected = (np.zeros(idx.shape, dtype=np.int64) if hi == lo else
                        np.clip(np.rint((p[:, 0] - lo) / (hi - lo) * levels),
                                0, levels).astype(np.int64))
        else:
            exact = all(r in {tuple(q) for q in row_keys[:used]}
                        for r in distinct)
            expected = expected_nearest(p, k, rows[:used], row_keys[:used],
                                        exact)
            if mode in ("unique", "kmeans") and lut.table_is_float:
                must_be_exact = (mode == "unique"
                                 or len(distinct) <= lut.palette)
                if must_be_exact and not exact:
                    problems.append(f"{where}: {len(distinct)} distinct "
                                    "values are not all LUT entries")
                if (mode == "kmeans" and lut.vector == 1 and
                        len(np.unique(idx)) !=
                        min(len(distinct), lut.palette)):
                    problems.append(
                        f"{where}: {len(np.unique(idx))} entries used, "
                        f"expected min({len(distinct)}, {lut.palette})")
        wrong = np.count_nonzero(idx != expected)
        if wrong:
            first = int(np.argmax(idx != expected))
            problems.append(
                f"{where}: {wrong} of {idx.size} indices are not the "
                f"expected entry (first: element {first} = {p[first]} has "
                f"{idx[first]}, expected {expected[first]})")
    if mode == "unique" and lut.table_is_float:
        smallest = next(b for b in BIT_WIDTHS
                        if (1 << b) >= largest_group_distinct)
        if lut.nbits != smallest:
            problems.append(f"{lut.nbits} bits where {smallest} hold "
                            f"{largest_group_distinct} distinct values")


def check_constant(name, result, values, types, luts, shifts, original, mode,
                   problems):
    """Checks the chain whose final op is `result` against ORIGINAL."""
    x, type_name = original
    lut_result = result
    if result in shifts:
        # A per-channel scale over the LUT op.
        m = shifts[result]
        lut_result = m["data"]
        if lut_result not in luts or m["offset"]:
            problems.append("unexpected op under the scale")
            return
        scale = dense(m["scale"], shape_of(m["scale_shape"]), m["scale_type"])
        largest = block_max_abs(x, scale.shape)
        expected = np.where(largest > 0, largest, 1.0)
        if not np.array_equal(scale, expected):
            problems.append("scales are not the channels' largest magnitudes")
        x = round_to(x / blocks(scale, x.shape), type_name)
    if lut_result not in luts:
        problems.append("not a mil.constexpr_lut_to_dense")
        return
    lut = luts[lut_result]
    if lut.shape != x.shape or lut.type != type_name:
        problems.append(f"shape or type differs from the original")
        return
    check_lut(lut, x, mode, problems)


def main():
    # A value that overflows its type is a finding, reported as such (the
    # LUT's entries must be finite), not a numpy warning.
    np.seterr(over="ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("original")
    parser.add_argument("palettized")
    parser.add_argument("materialized")
    parser.add_argument("--mode", action="append", default=[])
    args = parser.parse_args()
    modes = {}
    for item in args.mode:
        name, _, mode = item.rpartition("=")
        modes[name] = mode

    original = original_constants(open(args.original).read())
    palettized = open(args.palettized).read()
    materialized = open(args.materialized).read()
    value_blobs = read_blobs(materialized)
    decoded_keys = {m["name"]: m["key"] for m in CONST.finditer(materialized)
                    if m["name"] and m["key"]}
    values, types, luts, shifts, named = parse_chains(palettized)

    compared = failures = 0
    for name, result in named:
        if name not in decoded_keys:
            continue  # an intermediate value, not a final constant
        problems = []
        expected = values[result]
        actual = value_blobs.get(decoded_keys[name], b"")
        if actual != to_bytes(expected, types[result]):
            problems.append("materialized bytes differ from the evaluation")
        if name in original:
            check_constant(name, result, values, types, luts, shifts,
                           original[name], modes.get(name, modes.get("")),
                           problems)
        else:
            problems.append("no original constant of this name")
        compared += 1
        failures += bool(problems)
        print(f"{name}: {expected.size} x {types[result]}: "
              f"{'ok' if not problems else 'FAILED: ' + '; '.join(problems)}")
    print(f"{compared - failures} of {compared} constants decode as expected")
    return 1 if failures or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
