//===- ImportCoreML.cpp - .mlpackage to the mil dialect -------------------===//
//
// Reads the root model of a package and its ML Program, and builds the
// module described in CoreML.h: functions, blocks, generic ops. Values and
// blobs are read in ImportValues.cpp, the compression ops in
// ImportConstexpr.cpp.
//
//===----------------------------------------------------------------------===//

#include "CoreMLImporter.h"
#include "Model.pb.h"
#include "Package.h"
#include "TypeConversion.h"

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/IR/MILTypes.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Target/CoreML/CoreML.h"
#include "palettize/Target/CoreML/WeightFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/stubs/logging.h>

#include <map>

using namespace mlir;
using namespace palettize;
using namespace palettize::coreml;
using namespace palettize::coreml::detail;
namespace spec = CoreML::Specification;

void palettize::coreml::registerCoreMLDialects(DialectRegistry &registry) {
  registry.insert<mil::MILDialect, func::FuncDialect>();
}

InFlightDiagnostic CoreMLImporter::emitError(const Twine &message) {
  Location loc = site.op.empty() ? fileLoc : getOpLoc(site.op);
  InFlightDiagnostic diag = mlir::emitError(loc);
  if (!site.op.empty())
    diag << "op '" << site.op << "': ";
  if (!site.field.empty())
    diag << site.field << ": ";
  diag << message;
  return diag;
}

Location CoreMLImporter::getOpLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(context, name), fileLoc);
}

Value CoreMLImporter::lookup(StringRef name) const {
  for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope) {
    auto it = scope->find(name);
    if (it != scope->end())
      return it->second;
  }
  return Value();
}

LogicalResult
CoreMLImporter::importGeneric(const spec::MILSpec::Operation &operation,
                              StringRef name) {
  LogicalResult status = success();
  SmallVector<Value> operands;
  SmallVector<NamedAttribute> inputs;
  // Operands in input name order: the map's order is not part of the format.
  std::vector<std::string> inputNames;
  for (const auto &[inputName, argument] : operation.inputs())
    inputNames.push_back(inputName);
  std::sort(inputNames.begin(), inputNames.end());
  for (const std::string &inputName : inputNames) {
    const spec::MILSpec::Argument &argument = operation.inputs().at(inputName);
    site.field = "input '" + inputName + "'";
    if (hasUnknownFields(argument)) {
      emitError("unknown fields in an argument are not supported");
      return failure();
    }
    SmallVector<Attribute> bindings;
    for (const spec::MILSpec::Argument::Binding &binding :
         argument.arguments()) {
      if (hasUnknownFields(binding)) {
        emitError("unknown fields in a binding are not supported");
        return failure();
      }
      if (binding.has_name()) {
        Value value = lookup(binding.name());
        if (!value) {
          emitError("'" + binding.name() + "' names no value defined before");
          return failure();
        }
        bindings.push_back(builder.getIndexAttr(operands.size()));
        operands.push_back(value);
        continue;
      }
      if (!binding.has_value()) {
        emitError("a binding has neither a name nor a value");
        return failure();
      }
      FailureOr<Attribute> value = convertValue(binding.value());
      if (failed(value))
        return failure();
      bindings.push_back(*value);
    }
    inputs.emplace_back(builder.getStringAttr(inputName),
                        builder.getArrayAttr(bindings));
  }
  site.field.clear();

  SmallVector<Type> resultTypes;
  SmallVector<Attribute> resultNames;
  for (const spec::MILSpec::NamedValueType &output : operation.outputs()) {
    site.field = "output '" + output.name() + "'";
    if (hasUnknownFields(output)) {
      emitError("unknown fields in an output are not supported");
      return failure();
    }
    FailureOr<Type> type = convertValueTypeAt(output.type());
    if (failed(type))
      return failure();
    resultTypes.push_back(*type);
    resultNames.push_back(builder.getStringAttr(output.name()));
  }
  site.field.clear();

  bool hasName = operation.attributes().count("name") &&
                 getStringScalar(operation.attributes().at("name"));
  DictionaryAttr attrs =
      convertValueMap(operation.attributes(), /*skipName=*/hasName, status);
  if (failed(status))
    return failure();

  OperationState state(getOpLoc(name), mil::GenericOp::getOperationName());
  state.addOperands(operands);
  state.addTypes(resultTypes);
  state.addAttribute("op_type", builder.getStringAttr(operation.type()));
  state.addAttribute("inputs", builder.getDictionaryAttr(inputs));
  if (!attrs.empty())
    state.addAttribute("attrs", attrs);
  if (hasName)
    state.addAttribute("name", builder.getStringAttr(name));
  state.addAttribute("result_names", builder.getArrayAttr(resultNames));
  if (hasUnknownFields(operation))
    state.addAttribute("mil.unknown_fields",
                       builder.getStringAttr(getUnknownFields(operation)));

  SmallVector<Attribute> blockInputNames;
  SmallVector<std::unique_ptr<Region>> regions;
  std::vector<SmallVector<Value>> regionOutputs;
  for (const spec::MILSpec::Block &block : operation.blocks()) {
    auto region = std::make_unique<Region>();
    Block *body = new Block();
    region->push_back(body);
    SmallVector<Attribute> names;
    scopes.emplace_back();
    for (const spec::MILSpec::NamedValueType &input : block.inputs()) {
      site.field = "block input '" + input.name() + "'";
      FailureOr<Type> type = convertValueTypeAt(input.type());
      if (failed(type))
        return failure();
      bind(input.name(), body->addArgument(*type, getOpLoc(name)));
      names.push_back(builder.getStringAttr(input.name()));
    }
    site.field.clear();
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(body);
    Site saved = site;
    SmallVector<Value> outputs;
    if (failed(importBlock(block, outputs)))
      return failure();
    site = saved;
    mil::YieldOp::create(builder, getOpLoc(name), outputs);
    if (!block.attributes().empty() || hasUnknownFields(block)) {
      emitError("attributes or unknown fields on a nested block are not "
                "supported");
      return failure();
    }
    scopes.pop_back();
    blockInputNames.push_back(builder.getArrayAttr(names));
    regions.push_back(std::move(region));
  }
  if (!regions.empty())
    state.addAttribute("block_input_names",
                       builder.getArrayAttr(blockInputNames));
  for (std::unique_ptr<Region> &region : regions)
    state.addRegion(std::move(region));
  Operation *op = builder.create(state);
  for (auto [result, output] : llvm::zip(op->getResults(), operation.outputs()))
    bind(output.name(), result);
  return success();
}

LogicalResult
CoreMLImporter::importOperation(const spec::MILSpec::Operation &operation) {
  std::string name;
  auto nameIt = operation.attributes().find("name");
  if (nameIt != operation.attributes().end())
    if (std::optional<std::string> text = getStringScalar(nameIt->second))
      name = *text;
  site = {name.empty() ? operation.type() : name, ""};

  FailureOr<Operation *> op = nullptr;
  if (!name.empty() && operation.type() == "const")
    op = importConst(operation, name);
  else if (!name.empty() && operation.type() == "constexpr_lut_to_dense") {
    op = importLutToDense(operation, name);
    if (succeeded(op) && !*op)
      op = importLutToDenseIOS18(operation, name);
  } else if (!name.empty() &&
             operation.type() == "constexpr_blockwise_shift_scale") {
    op = importShiftScale(operation, name);
  } else if (!name.empty() && operation.type() == "constexpr_sparse_to_dense") {
    op = importSparseToDense(operation, name);
  } else if (!name.empty() && operation.type() == "constexpr_lut_to_sparse") {
    op = importLutToSparse(operation, name);
  }
  if (failed(op))
    return failure();
  if (*op) {
    // A form the dialect's verifier rejects (a LUT of int16, say) is kept as
    // a generic op, like any op the dialect does not model.
    ScopedDiagnosticHandler silence(context,
                                    [](Diagnostic &) { return success(); });
    if (succeeded(verify(*op))) {
      for (auto [result, output] :
           llvm::zip((*op)->getResults(), operation.outputs()))
        bind(output.name(), result);
      return success();
    }
    // The constants made of its inline values (bound to no MIL name) go
    // with it.
    SmallVector<Operation *> inlineValues;
    for (Value operand : (*op)->getOperands())
      if (auto constant = operand.getDefiningOp<mil::ConstOp>();
          constant && constant->hasOneUse() &&
          (!constant.getName() || lookup(*constant.getName()) != operand))
        inlineValues.push_back(constant);
    (*op)->erase();
    for (Operation *constant : inlineValues)
      constant->erase();
  }
  return importGeneric(operation, name);
}

LogicalResult CoreMLImporter::importBlock(const spec::MILSpec::Block &block,
                                          SmallVectorImpl<Value> &outputs) {
  for (const spec::MILSpec::Operation &operation : block.operations())
    if (failed(importOperation(operation)))
      return failure();
  site = {};
  for (const std::string &output : block.outputs()) {
    Value value = lookup(output);
    if (!value) {
      emitError("block output '" + output + "' names no value of the block");
      return failure();
    }
    outputs.push_back(value);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Functions and the program
//===----------------------------------------------------------------------===//

LogicalResult CoreMLImporter::importFunction(
    StringRef name, const spec::MILSpec::Function &function, ModuleOp module) {
  site = {};
  if (function.block_specializations().empty()) {
    emitError("function '" + name + "' has no block");
    return failure();
  }
  auto active = function.block_specializations().find(function.opset());
  if (active == function.block_specializations().end()) {
    emitError("function '" + name + "' has no block for its opset '" +
              function.opset() + "'");
    return failure();
  }
  SmallVector<Type> inputTypes;
  SmallVector<Attribute> argumentAttrs;
  for (const spec::MILSpec::NamedValueType &input : function.inputs()) {
    site.field = "function '" + name.str() + "' input '" + input.name() + "'";
    if (hasUnknownFields(input)) {
      emitError("unknown fields in a function input are not supported");
      return failure();
    }
    FailureOr<Type> type = convertValueTypeAt(input.type());
    if (failed(type))
      return failure();
    inputTypes.push_back(*type);
    argumentAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        mil::MILDialect::kNameAttrName, builder.getStringAttr(input.name()))));
  }
  site = {};

  // The specialization in force keeps the function's name; any other is a
  // function of its own, `<name>.<opset>`, that points back to it.
  std::vector<std::string> opsets = {function.opset()};
  for (const auto &[opset, block] : function.block_specializations())
    if (opset != function.opset())
      opsets.push_back(opset);
  std::sort(opsets.begin() + 1, opsets.end());
  for (const std::string &opset : opsets) {
    const spec::MILSpec::Block &block =
        function.block_specializations().at(opset);
    bool isActive = opset == function.opset();
    std::string symbol = isActive ? name.str() : name.str() + "." + opset;
    builder.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(builder, fileLoc, symbol,
                                     builder.getFunctionType(inputTypes, {}));
    func.setAllArgAttrs(argumentAttrs);
    func->setAttr(mil::MILDialect::kOpsetAttrName,
                  builder.getStringAttr(opset));
    if (!isActive)
      func->setAttr("mil.specialization_of", builder.getStringAttr(name));
    LogicalResult status = success();
    if (isActive) {
      DictionaryAttr attributes =
          convertValueMap(function.attributes(), false, status);
      if (!attributes.empty())
        func->setAttr("mil.attributes", attributes);
      if (hasUnknownFields(function))
        func->setAttr("mil.unknown_fields",
                      builder.getStringAttr(getUnknownFields(function)));
    }
    DictionaryAttr blockAttributes =
        convertValueMap(block.attributes(), false, status);
    if (failed(status))
      return failure();
    if (!blockAttributes.empty())
      func->setAttr("mil.block_attributes", blockAttributes);
    if (hasUnknownFields(block))
      func->setAttr("mil.block_unknown_fields",
                    builder.getStringAttr(getUnknownFields(block)));
    if (block.inputs_size() != 0) {
      emitError("function '" + name + "' block has inputs of its own");
      return failure();
    }
    Block *body = func.addEntryBlock();
    scopes.emplace_back();
    for (auto [argument, input] :
         llvm::zip(body->getArguments(), function.inputs()))
      bind(input.name(), argument);
    builder.setInsertionPointToEnd(body);
    SmallVector<Value> outputs;
    if (failed(importBlock(block, outputs)))
      return failure();
    scopes.pop_back();
    func::ReturnOp::create(builder, fileLoc, outputs);
    func.setFunctionType(
        builder.getFunctionType(inputTypes, ValueRange(outputs).getTypes()));
  }
  return success();
}

LogicalResult
CoreMLImporter::importProgram(const spec::MILSpec::Program &program,
                              ModuleOp module) {
  Builder b(context);
  module->setAttr("mil.program_version",
                  b.getI64IntegerAttr(program.version()));
  if (!program.docstring().empty())
    module->setAttr("mil.program_doc", b.getStringAttr(program.docstring()));
  if (hasUnknownFields(program))
    module->setAttr("mil.program_unknown_fields",
                    b.getStringAttr(getUnknownFields(program)));
  LogicalResult status = success();
  DictionaryAttr attributes =
      convertValueMap(program.attributes(), false, status);
  if (failed(status))
    return failure();
  if (!attributes.empty())
    module->setAttr("mil.program_attributes", attributes);
  // Functions in name order: the map's order is not part of the format.
  std::vector<std::string> names;
  for (const auto &[name, function] : program.functions())
    names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string &name : names)
    if (failed(importFunction(name, program.functions().at(name), module)))
      return failure();
  return success();
}

OwningOpRef<ModuleOp> CoreMLImporter::run() {
  context->loadDialect<mil::MILDialect, func::FuncDialect>();
  fileLoc = FileLineColLoc::get(context, packagePath, 0, 0);
  llvm::Expected<PackageRoot> root = readPackageRoot(packagePath);
  if (!root) {
    mlir::emitError(fileLoc) << llvm::toString(root.takeError());
    return nullptr;
  }
  modelPath = root->modelPath;
  fileLoc = FileLineColLoc::get(context, modelPath, 0, 0);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(modelPath, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer) {
    mlir::emitError(fileLoc)
        << "cannot read the model: " << buffer.getError().message();
    return nullptr;
  }
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() > size_t(INT_MAX)) {
    mlir::emitError(fileLoc) << "the model is over 2 GiB";
    return nullptr;
  }
  spec::Model model;
  bool parsed;
  {
    // protobuf logs what it rejects to stderr; the error below says it.
    google::protobuf::LogSilencer silence;
    parsed = model.ParseFromArray(bytes.data(), int(bytes.size()));
  }
  if (!parsed) {
    mlir::emitError(fileLoc)
        << "not a Core ML model (the protobuf does not parse)";
    return nullptr;
  }
  if (!model.has_mlprogram()) {
    mlir::emitError(fileLoc) << "the model is not an ML Program (specification "
                             << model.specificationversion() << ")";
    return nullptr;
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  Builder b(context);
  (*module)->setAttr(mil::MILDialect::kSpecVersionAttrName,
                     b.getI64IntegerAttr(model.specificationversion()));
  spec::MILSpec::Program program = std::move(*model.mutable_mlprogram());
  model.clear_mlprogram();
  model.clear_specificationversion();
  (*module)->setAttr("mil.model_envelope",
                     b.getStringAttr(model.SerializeAsString()));
  (*module)->setAttr(
      "mil.package_identifiers",
      b.getStrArrayAttr({root->modelIdentifier, root->weightsIdentifier}));
  if (!root->otherItems.empty()) {
    // Items of the package besides the model (a vendor's files): kept with
    // where they are, so that the export copies them.
    SmallVector<Attribute> items;
    for (const PackageItem &item : root->otherItems)
      items.push_back(b.getDictionaryAttr({
          b.getNamedAttr("identifier", b.getStringAttr(item.identifier)),
          b.getNamedAttr("author", b.getStringAttr(item.author)),
          b.getNamedAttr("description", b.getStringAttr(item.description)),
          b.getNamedAttr("name", b.getStringAttr(item.name)),
          b.getNamedAttr("path", b.getStringAttr(item.path)),
      }));
    SmallString<256> source(packagePath);
    (void)llvm::sys::fs::make_absolute(source);
    (*module)->setAttr("mil.package_items", b.getArrayAttr(items));
    (*module)->setAttr("mil.package_source", b.getStringAttr(source));
  }
  if (failed(importProgram(program, *module)))
    return nullptr;
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp>
palettize::coreml::importCoreMLPackage(StringRef packagePath,
                                       MLIRContext *context) {
  return CoreMLImporter(context, packagePath).run();
}
