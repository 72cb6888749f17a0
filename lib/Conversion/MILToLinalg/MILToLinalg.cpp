//===- MILToLinalg.cpp - Lower mil ops to upstream dialects ---------------===//
//
// The patterns of convert-mil-to-linalg. A `mil.constexpr_lut_to_dense`
// becomes its packed index bytes as an `i8` constant (the same storage,
// reinterpreted), its LUT, and a `linalg.generic` over the result whose body
// reads each element's index out of the bytes (LSB-first, an index of 3 or 6
// bits possibly straddling two bytes) and looks it up. A
// `mil.constexpr_blockwise_shift_scale` becomes an elementwise
// `linalg.generic` computing `scale * (data - offset)` in f32, as the op
// defines it, so decoding at run time gives the bits mil-materialize-constexpr
// gives at compile time.
//
//===----------------------------------------------------------------------===//

#include "palettize/Conversion/MILToLinalg/MILToLinalg.h"
#include "DecodeBuilders.h"
#include "Reinterpret.h"
#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Lut/LutLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

/// Returns `type` with a signless element type if its elements are `ui8` or
/// `si8`, else null.
static Type getSignlessTensorType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return nullptr;
  auto integer = dyn_cast<IntegerType>(tensor.getElementType());
  if (!integer || integer.isSignless())
    return nullptr;
  return tensor.clone(IntegerType::get(type.getContext(), integer.getWidth()));
}

MILToLinalgTypeConverter::MILToLinalgTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) -> Type {
    if (Type signless = getSignlessTensorType(type))
      return signless;
    return type;
  });
}

ElementsAttr palettize::reinterpretElements(ElementsAttr value,
                                            ShapedType type) {
  if (value.getType() == type)
    return value;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.bitcast(type.getElementType());
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Index arithmetic of the decoding bodies
//===----------------------------------------------------------------------===//

SmallVector<Value> palettize::getLoopIndices(OpBuilder &b, Location loc,
                                             int64_t rank) {
  SmallVector<Value> indices;
  for (int64_t d = 0; d < rank; ++d)
    indices.push_back(linalg::IndexOp::create(b, loc, d));
  return indices;
}

Value palettize::createDecodingGeneric(
    OpBuilder &builder, Location loc, StringAttr name,
    RankedTensorType resultType, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, OpBuilder &, Location, ValueRange)>
        buildBody) {
  const int64_t rank = resultType.getRank();
  Value init = tensor::EmptyOp::create(builder, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(builder.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  // Building the region moves `builder` into it; constants go before the
  // generic through a second builder that notifies the same listener.
  OpBuilder outside(builder.getContext(), builder.getListener());
  outside.setInsertionPoint(builder.getInsertionBlock(),
                            builder.getInsertionPoint());
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      iterators, /*doc=*/"", /*libraryCall=*/"",
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        linalg::YieldOp::create(b, bodyLoc,
                                buildBody(b, outside, bodyLoc, args));
      });
  generic->setAttr(kDecodeAttrName,
                   name ? Attribute(name) : builder.getUnitAttr());
  return generic.getResult(0);
}

Value palettize::readPackedBits(BodyBuilder &body, Value packed, Value linear,
                                unsigned bits, int64_t packedBytes) {
  OpBuilder &b = body.b;
  Location loc = body.loc;
  // Bit `n * linear` onwards, LSB-first.
  Value firstBit = body.mul(linear, bits);
  Value byteIndex = body.div(firstBit, 8);
  Type i32 = b.getI32Type();
  auto readByte = [&](Value at) -> Value {
    Value byte = tensor::ExtractOp::create(b, loc, packed, at);
    return arith::ExtUIOp::create(b, loc, i32, byte);
  };
  Value word = readByte(byteIndex);
  if (8 % bits != 0) {
    // A 3-, 5-, 6- or 7-bit element may continue in the next byte. The last one
    // never does, so its read is clamped into the buffer; the bits it reads
    // then are masked off.
    Value next =
        arith::MinUIOp::create(b, loc, body.add(byteIndex, body.index(1)),
                               body.index(packedBytes - 1));
    Value high = arith::ShLIOp::create(b, loc, readByte(next), body.i32(8));
    word = arith::OrIOp::create(b, loc, word, high);
  }
  if (bits != 8) {
    Value shift =
        arith::IndexCastUIOp::create(b, loc, i32, body.rem(firstBit, 8));
    word = arith::ShRUIOp::create(b, loc, word, shift);
    word =
        arith::AndIOp::create(b, loc, word, body.i32((int64_t(1) << bits) - 1));
  }
  return word;
}

/// Emits the body of a LUT decode: reads the index of the element at the
/// loop position out of `packed` (i8 bytes) and returns its LUT value.
static Value buildLutLookup(OpBuilder &b, OpBuilder &outside, Location loc,
                            const LutLayout &layout, Value packed, Value lut,
                            int64_t packedBytes) {
  BodyBuilder body{b, outside, loc};
  const int64_t rank = layout.resultShape.size();
  SmallVector<Value> position = getLoopIndices(b, loc, rank);

  // The element's place in the index grid (the vector axis divided by V)
  // and in its vector.
  std::vector<int64_t> gridShape = layout.resultShape;
  Value lane;
  if (layout.vectorSize > 1) {
    gridShape[layout.vectorAxis] /= layout.vectorSize;
    lane = body.rem(position[layout.vectorAxis], layout.vectorSize);
    position[layout.vectorAxis] =
        body.div(position[layout.vectorAxis], layout.vectorSize);
  }
  Value linear;
  for (int64_t d = 0, stride = layout.getIndexCount(); d < rank; ++d) {
    stride /= gridShape[d];
    Value term = body.mul(position[d], stride);
    linear = linear ? body.add(linear, term) : term;
  }
  if (!linear) // a rank-0 result has the one index 0
    linear = body.index(0);

  Value word =
      readPackedBits(body, packed, linear, layout.indexBitWidth, packedBytes);
  // index_castui: the index is unsigned (a signed cast would turn 6- and
  // 8-bit indices of 128 and more into negative positions).
  Value row = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), word);

  return extractLutRow(body, layout, lut, position, row, lane);
}

Value palettize::extractLutRow(BodyBuilder &body, const LutLayout &layout,
                               Value lut, ArrayRef<Value> gridPosition,
                               Value row, Value lane) {
  SmallVector<Value> lutPosition;
  if (layout.rankOneLut) {
    lutPosition.push_back(row);
  } else {
    std::vector<int64_t> gridShape = layout.resultShape;
    if (layout.vectorSize > 1)
      gridShape[layout.vectorAxis] /= layout.vectorSize;
    for (auto [d, coordinate] : llvm::enumerate(gridPosition))
      lutPosition.push_back(
          layout.groupCounts[d] == 1
              ? body.index(0)
              : body.div(coordinate, gridShape[d] / layout.groupCounts[d]));
    lutPosition.push_back(row);
    lutPosition.push_back(lane ? lane : body.index(0));
  }
  return tensor::ExtractOp::create(body.b, body.loc, lut, lutPosition);
}

/// Returns true for the integer types whose blobs hold their elements packed
/// LSB-first (1 to 7 bits but i1, as Core ML stores int4 and uint1), a
/// layout MLIR gives no meaning to in a `dense_resource` of that type.
static bool isPackedSubByte(Type elementType) {
  auto integer = dyn_cast<IntegerType>(elementType);
  return integer && integer.getWidth() < 8 && !integer.isSignlessInteger(1);
}

/// Lowers `value`, a packed sub-byte blob, to its bytes as an i8 constant
/// and a decoding linalg.generic that unpacks them into a tensor of `type`,
/// the converted (signless) type. The decoding is marked with the name of
/// `op`, whose attribute `value` is.
static Value createPackedConstant(OpBuilder &builder, Operation *op,
                                  DenseResourceElementsAttr value,
                                  RankedTensorType type) {
  Location loc = op->getLoc();
  // The original type (ui1, not the converted i1) says how it is packed.
  const int64_t packedBytes =
      *mil::getBlobByteCount(cast<ShapedType>(value.getType()));
  auto bytesType = RankedTensorType::get({packedBytes}, builder.getI8Type());
  Value packed = arith::ConstantOp::create(
      builder, loc,
      DenseResourceElementsAttr::get(bytesType, value.getRawHandle()));
  const unsigned bits = type.getElementTypeBitWidth();
  return createDecodingGeneric(
      builder, loc, op->getAttrOfType<StringAttr>("name"), type, {}, {},
      [&](OpBuilder &b, OpBuilder &outside, Location bodyLoc, ValueRange) {
        BodyBuilder body{b, outside, bodyLoc};
        SmallVector<Value> position =
            getLoopIndices(b, bodyLoc, type.getRank());
        Value linear;
        for (int64_t d = 0, stride = type.getNumElements(); d < type.getRank();
             ++d) {
          stride /= type.getDimSize(d);
          Value term = body.mul(position[d], stride);
          linear = linear ? body.add(linear, term) : term;
        }
        if (!linear) // a rank-0 tensor has the one element 0
          linear = body.index(0);
        Value word = readPackedBits(body, packed, linear, bits, packedBytes);
        // Truncation keeps the element's bits; the tensor's original type
        // says whether they are signed.
        return arith::TruncIOp::create(b, bodyLoc, type.getElementType(), word)
            .getResult();
      });
}

Value palettize::createConstant(OpBuilder &builder, Operation *op,
                                const TypeConverter &typeConverter,
                                ElementsAttr value, StringRef what) {
  auto type =
      dyn_cast_or_null<ShapedType>(typeConverter.convertType(value.getType()));
  ElementsAttr converted = type ? reinterpretElements(value, type) : nullptr;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value);
      resource && type && isPackedSubByte(value.getElementType()))
    return createPackedConstant(builder, op, resource,
                                cast<RankedTensorType>(type));
  if (!converted) {
    op->emitOpError("cannot lower '")
        << what << "': only dense and dense_resource attributes of "
        << value.getType() << " can be reinterpreted as " << type;
    return nullptr;
  }
  return arith::ConstantOp::create(builder, op->getLoc(),
                                   cast<TypedAttr>(converted));
}

//===----------------------------------------------------------------------===//
// Where the decoding runs
//===----------------------------------------------------------------------===//

/// Returns a symbol name not yet used in `module`, derived from the name of
/// the constexpr op the decoding `op` lowers and `suffix`.
static std::string getGlobalName(ModuleOp module, Operation *op,
                                 StringRef suffix) {
  std::string base = "__palettize_";
  if (auto attr = op->getAttrOfType<StringAttr>(kDecodeAttrName))
    base += attr.getValue().str();
  else
    base += "weight";
  base += suffix.str();
  std::string name = base;
  for (int counter = 0; SymbolTable::lookupSymbolIn(module, name);)
    name = base + "_" + std::to_string(++counter);
  return name;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// mil.const -> arith.constant of the same storage.
struct ConstOpLowering : OpConversionPattern<ConstOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value constant = createConstant(rewriter, op, *getTypeConverter(),
                                    op.getValue(), "value");
    if (!constant)
      return failure();
    rewriter.replaceOp(op, constant);
    return success();
  }
};

/// mil.constexpr_lut_to_dense -> i8 bytes + LUT + a decoding linalg.generic.
struct LutToDenseLowering : OpConversionPattern<ConstexprLutToDenseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstexprLutToDenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    Value packed =
        createConstant(rewriter, op, converter, op.getIndices(), "indices");
    if (!packed)
      return failure();
    Value lut = adaptor.getLutOperand();
    if (!lut)
      lut = createConstant(rewriter, op, converter, op.getLutAttr(), "lut");
    if (!lut)
      return failure();
    const LutLayout layout = op.getLutLayout();
    const int64_t packedBytes =
        cast<ShapedType>(packed.getType()).getNumElements();
    auto resultType = cast<RankedTensorType>(op.getType());
    rewriter.replaceOp(
        op,
        createDecodingGeneric(
            rewriter, op.getLoc(), op.getNameAttr(), resultType, {}, {},
            [&](OpBuilder &b, OpBuilder &outside, Location loc, ValueRange) {
              return buildLutLookup(b, outside, loc, layout, packed, lut,
                                    packedBytes);
            }));
    return success();
  }
};

/// mil.constexpr_blockwise_shift_scale -> an elementwise linalg.generic.
struct BlockwiseShiftScaleLowering
    : OpConversionPattern<ConstexprBlockwiseShiftScaleOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstexprBlockwiseShiftScaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    Value scale =
        createConstant(rewriter, op, converter, op.getScale(), "scale");
    if (!scale)
      return failure();
    Value offset;
    if (ElementsAttr offsetAttr = op.getOffsetAttr()) {
      offset = createConstant(rewriter, op, converter, offsetAttr, "offset");
      if (!offset)
        return failure();
    }
    auto resultType = cast<RankedTensorType>(op.getType());
    auto scaleType = cast<ShapedType>(op.getScale().getType());
    Type dataElementType =
        cast<ShapedType>(op.getData().getType()).getElementType();
    Type resultElementType = resultType.getElementType();
    const int64_t rank = resultType.getRank();

    // Scales (and offsets) are read through the indexing map when each
    // dimension is either whole or broadcast, else by position in the body.
    bool mappable = true;
    SmallVector<AffineExpr> scaleExprs;
    for (int64_t d = 0; d < rank; ++d) {
      if (scaleType.getDimSize(d) == 1)
        scaleExprs.push_back(rewriter.getAffineConstantExpr(0));
      else if (scaleType.getDimSize(d) == resultType.getDimSize(d))
        scaleExprs.push_back(rewriter.getAffineDimExpr(d));
      else
        mappable = false;
    }
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<Value> inputs{adaptor.getData()};
    SmallVector<AffineMap> maps{identity};
    if (mappable) {
      AffineMap scaleMap =
          AffineMap::get(rank, 0, scaleExprs, rewriter.getContext());
      inputs.push_back(scale);
      maps.push_back(scaleMap);
      if (offset) {
        inputs.push_back(offset);
        maps.push_back(scaleMap);
      }
    }
    rewriter.replaceOp(
        op,
        createDecodingGeneric(
            rewriter, op.getLoc(), op.getNameAttr(), resultType, inputs, maps,
            [&](OpBuilder &b, OpBuilder &outside, Location loc,
                ValueRange args) -> Value {
              BodyBuilder body{b, outside, loc};
              Value scaleValue, offsetValue;
              if (mappable) {
                scaleValue = args[1];
                if (offset)
                  offsetValue = args[2];
              } else {
                SmallVector<Value> position = getLoopIndices(b, loc, rank);
                for (int64_t d = 0; d < rank; ++d)
                  position[d] =
                      body.div(position[d], resultType.getDimSize(d) /
                                                scaleType.getDimSize(d));
                scaleValue = tensor::ExtractOp::create(b, loc, scale, position);
                if (offset)
                  offsetValue =
                      tensor::ExtractOp::create(b, loc, offset, position);
              }
              Value shifted = body.toF32(args[0], dataElementType);
              if (offsetValue)
                shifted = arith::SubFOp::create(
                    b, loc, shifted, body.toF32(offsetValue, dataElementType));
              Value product = arith::MulFOp::create(
                  b, loc, body.toF32(scaleValue, resultElementType), shifted);
              if (resultElementType.isF32())
                return product;
              return arith::TruncFOp::create(b, loc, resultElementType,
                                             product);
            }));
    return success();
  }
};

} // namespace

void palettize::populateMILToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns
      .add<ConstOpLowering, LutToDenseLowering, BlockwiseShiftScaleLowering>(
          typeConverter, patterns.getContext());
  populateMILSparseToLinalgPatterns(typeConverter, patterns);
}

//===----------------------------------------------------------------------===//
// Fusion into consumers
//===----------------------------------------------------------------------===//

int64_t palettize::fuseDecodingIntoConsumers(Operation *root) {
  // In program order, producers first: a LUT decode fuses into the
  // shift-scale decode that reads it, and the fused decode into the
  // consumers in turn.
  SmallVector<Operation *> worklist;
  root->walk([&](linalg::GenericOp op) {
    if (op->hasAttr(kDecodeAttrName))
      worklist.push_back(op);
  });
  IRRewriter rewriter(root->getContext());
  auto erase = [&](Operation *op) {
    llvm::erase(worklist, op);
    rewriter.eraseOp(op);
  };
  int64_t fusions = 0;
  while (!worklist.empty()) {
    Operation *producer = worklist.front();
    worklist.erase(worklist.begin());
    // Each change (a generalization, a fusion) erases a consumer and its
    // uses: the uses are listed again after it. Consumers that cannot take
    // the decode are remembered, so that the loop ends.
    llvm::SmallPtrSet<Operation *, 4> unfusable;
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : producer->getResult(0).getUses())
        uses.push_back(&use);
      for (OpOperand *use : uses) {
        auto consumer = dyn_cast<linalg::LinalgOp>(use->getOwner());
        if (!consumer || !consumer.isDpsInput(use) ||
            unfusable.contains(consumer))
          continue;
        const unsigned operandNumber = use->getOperandNumber();
        auto generic = dyn_cast<linalg::GenericOp>(consumer.getOperation());
        if (!generic) {
          rewriter.setInsertionPoint(consumer);
          FailureOr<linalg::GenericOp> generalized =
              linalg::generalizeNamedOp(rewriter, consumer);
          if (failed(generalized)) {
            unfusable.insert(consumer);
            continue;
          }
          generic = *generalized;
          changed = true;
        }
        OpOperand &operand = generic->getOpOperand(operandNumber);
        FailureOr<linalg::ElementwiseOpFusionResult> fused = failure();
        if (linalg::areElementwiseOpsFusable(&operand)) {
          rewriter.setInsertionPoint(generic);
          fused = linalg::fuseElementwiseOps(rewriter, &operand);
        }
        if (failed(fused)) {
          unfusable.insert(generic);
          if (changed)
            break;
          continue;
        }
        for (auto [original, replacement] : fused->replacements)
          rewriter.replaceUsesWithIf(
              original, replacement, [&](OpOperand &other) {
                return other.getOwner() != fused->fusedOp;
              });
        // A decode fused into a decode is still one, for its consumers.
        if (generic->hasAttr(kDecodeAttrName)) {
          fused->fusedOp->setAttr(kDecodeAttrName,
                                  generic->getAttr(kDecodeAttrName));
          worklist.push_back(fused->fusedOp);
        }
        if (generic->use_empty())
          erase(generic);
        ++fusions;
        changed = true;
        break;
      }
    }
    if (producer->use_empty())
      erase(producer);
  }
  return fusions;
}

//===----------------------------------------------------------------------===//
// Decoding once, on first use
//===----------------------------------------------------------------------===//

/// Returns the decoding ops `root` reads, through its operands or the values
/// its body uses, recursively, producers first, with the tensor.empty ops
/// they write into; `root` comes last.
static SmallVector<Operation *> getDecodingChain(Operation *root) {
  SmallVector<Operation *> chain;
  llvm::SmallPtrSet<Operation *, 8> visited;
  std::function<void(Operation *)> visit = [&](Operation *op) {
    if (!visited.insert(op).second)
      return;
    auto visitValue = [&](Value value) {
      Operation *producer = value.getDefiningOp();
      if (producer && (producer->hasAttr(kDecodeAttrName) ||
                       isa<tensor::EmptyOp>(producer)))
        visit(producer);
    };
    for (Value operand : op->getOperands())
      visitValue(operand);
    op->walk([&](Operation *nested) {
      if (nested != op)
        for (Value operand : nested->getOperands())
          if (!op->isAncestor(operand.getParentBlock()->getParentOp()))
            visitValue(operand);
    });
    chain.push_back(op);
  };
  visit(root);
  return chain;
}

int64_t palettize::decodeOnFirstUse(Operation *root) {
  // The roots: decodes read by something other than another decode. The
  // decodes they read are decoded with them, under their flag.
  SmallVector<linalg::GenericOp> roots;
  root->walk([&](linalg::GenericOp op) {
    if (op->hasAttr(kDecodeAttrName) &&
        llvm::any_of(op->getUsers(), [](Operation *user) {
          return !user->hasAttr(kDecodeAttrName);
        }))
      roots.push_back(op);
  });
  IRRewriter rewriter(root->getContext());
  for (linalg::GenericOp decode : roots) {
    Location loc = decode.getLoc();
    auto module = decode->getParentOfType<ModuleOp>();
    auto resultType = cast<RankedTensorType>(decode.getResult(0).getType());
    auto bufferType =
        MemRefType::get(resultType.getShape(), resultType.getElementType());
    auto flagType = MemRefType::get({}, rewriter.getI1Type());
    rewriter.setInsertionPointToStart(module.getBody());
    auto buffer = memref::GlobalOp::create(
        rewriter, loc,
        rewriter.getStringAttr(getGlobalName(module, decode, "_decoded")),
        rewriter.getStringAttr("private"), TypeAttr::get(bufferType),
        rewriter.getUnitAttr(), /*constant=*/nullptr,
        rewriter.getI64IntegerAttr(64));
    auto flag = memref::GlobalOp::create(
        rewriter, loc,
        rewriter.getStringAttr(getGlobalName(module, decode, "_ready")),
        rewriter.getStringAttr("private"), TypeAttr::get(flagType),
        DenseElementsAttr::get(RankedTensorType::get({}, rewriter.getI1Type()),
                               false),
        /*constant=*/nullptr, /*alignment=*/nullptr);

    rewriter.setInsertionPoint(decode);
    Value flagRef =
        memref::GetGlobalOp::create(rewriter, loc, flagType, flag.getSymName());
    Value bufferRef = memref::GetGlobalOp::create(rewriter, loc, bufferType,
                                                  buffer.getSymName());
    Value ready = memref::LoadOp::create(rewriter, loc, flagRef, ValueRange{});
    Value notReady = arith::XOrIOp::create(
        rewriter, loc, ready,
        arith::ConstantIntOp::create(rewriter, loc, 1, 1));
    auto ifOp = scf::IfOp::create(rewriter, loc, notReady,
                                  /*withElseRegion=*/false);
    // The chain is cloned, not moved: its producers may feed other roots.
    SmallVector<Operation *> chain = getDecodingChain(decode);
    rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
    IRMapping mapping;
    for (Operation *op : chain)
      rewriter.clone(*op, mapping);
    bufferization::MaterializeInDestinationOp::create(
        rewriter, loc, /*result=*/Type(), mapping.lookup(decode.getResult(0)),
        bufferRef,
        /*restrict=*/true, /*writable=*/true);
    memref::StoreOp::create(rewriter, loc,
                            arith::ConstantIntOp::create(rewriter, loc, 1, 1),
                            flagRef, ValueRange{});
    rewriter.setInsertionPointAfter(ifOp);
    Value loaded = bufferization::ToTensorOp::create(
        rewriter, loc, resultType, bufferRef, /*restrict=*/true,
        /*writable=*/false);
    rewriter.replaceUsesWithIf(
        decode.getResult(0), loaded, [&](OpOperand &use) {
          return !use.getOwner()->hasAttr(kDecodeAttrName);
        });
    // Drop what only fed the root, consumers first.
    for (Operation *op : llvm::reverse(chain))
      if (op->use_empty())
        rewriter.eraseOp(op);
  }
  return roots.size();
}
