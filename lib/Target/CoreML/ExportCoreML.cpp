//===- ExportCoreML.cpp - the mil dialect to .mlpackage -------------------===//
//
// Writes a module in the form the importer produces as a package: a fresh
// weight file with every blob constant (written as the walk meets it, each
// shared blob once), the model and the manifest, in a staging directory
// moved into place at the end. This file walks the program (functions,
// blocks, generic ops) and writes the package; values are exported in
// ExportValues.cpp, the compression ops in ExportConstexpr.cpp.
//
//===----------------------------------------------------------------------===//

#include "CoreMLExporter.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::coreml;
using namespace palettize::coreml::detail;
using palettize::mil::getCheckedElementCount;
using palettize::mil::getRawElementsData;
using palettize::mil::RawElementsData;

//===----------------------------------------------------------------------===//
// Operations
//===----------------------------------------------------------------------===//

LogicalResult CoreMLExporter::addOutput(Operation *op, Value result,
                                        milspec::Operation &operation) {
  milspec::NamedValueType &output = *operation.add_outputs();
  defineName(result);
  output.set_name(getName(result).str());
  return exportType(op, result.getType(), *output.mutable_type());
}

LogicalResult CoreMLExporter::exportGeneric(mil::GenericOp op,
                                            milspec::Operation &operation) {
  operation.set_type(op.getOpType().str());
  auto &inputs = *operation.mutable_inputs();
  for (NamedAttribute input : op.getInputs()) {
    milspec::Argument &argument = inputs[input.getName().str()];
    for (Attribute binding : cast<ArrayAttr>(input.getValue())) {
      milspec::Argument::Binding &out = *argument.add_arguments();
      if (auto index = dyn_cast<IntegerAttr>(binding)) {
        out.set_name(getName(op.getOperand(index.getInt())).str());
        continue;
      }
      if (failed(exportValue(op, "input '" + input.getName().str() + "'",
                             binding, /*mayUseBlob=*/false,
                             *out.mutable_value())))
        return failure();
    }
  }
  auto &attributes = *operation.mutable_attributes();
  if (std::optional<StringRef> name = op.getName())
    attributes["name"] = makeString(*name);
  if (std::optional<DictionaryAttr> attrs = op.getAttrs())
    if (failed(exportValueMap(op, *attrs, attributes)))
      return failure();
  for (Value result : op.getResults())
    if (failed(addOutput(op, result, operation)))
      return failure();
  for (Region &region : op.getBlocks()) {
    milspec::Block &block = *operation.add_blocks();
    scopes.emplace_back();
    for (BlockArgument argument : region.getArguments()) {
      milspec::NamedValueType &input = *block.add_inputs();
      defineName(argument);
      input.set_name(getName(argument).str());
      if (failed(exportType(op, argument.getType(), *input.mutable_type())))
        return failure();
    }
    if (failed(exportBlock(region.front(), block)))
      return failure();
    scopes.pop_back();
  }
  if (auto unknown = op->getAttrOfType<StringAttr>("mil.unknown_fields"))
    setUnknownFields(operation, unknown.getValue());
  return success();
}

LogicalResult CoreMLExporter::exportOperation(Operation *op,
                                              milspec::Block &block) {
  if (isa<func::ReturnOp, mil::YieldOp>(op)) {
    for (Value operand : op->getOperands())
      block.add_outputs(getName(operand).str());
    return success();
  }
  // From iOS18 on, a constant that only feeds constexpr ops is written as
  // their inputs' values, as Core ML's tools write it.
  if (auto constOp = dyn_cast<mil::ConstOp>(op);
      constOp && usesIOS18Constexprs() && !constOp->use_empty() &&
      llvm::all_of(constOp->getUsers(), [](Operation *user) {
        return isa<mil::ConstexprLutToDenseOp,
                   mil::ConstexprBlockwiseShiftScaleOp,
                   mil::ConstexprSparseToDenseOp, mil::ConstexprLutToSparseOp>(
            user);
      }))
    return success();
  milspec::Operation &operation = *block.add_operations();
  if (auto constOp = dyn_cast<mil::ConstOp>(op))
    return exportConst(constOp, operation);
  if (auto lut = dyn_cast<mil::ConstexprLutToDenseOp>(op))
    return usesIOS18Constexprs() ? exportLutToDenseIOS18(lut, operation)
                                 : exportLutToDense(lut, operation);
  if (auto shiftScale = dyn_cast<mil::ConstexprBlockwiseShiftScaleOp>(op)) {
    if (!usesIOS18Constexprs())
      return op->emitError()
             << "constexpr_blockwise_shift_scale (a per-channel scale or an "
                "8-bit LUT) needs iOS18 (specification 9); the module's "
                "specification is "
             << specVersion;
    return exportShiftScale(shiftScale, operation);
  }
  if (isa<mil::ConstexprSparseToDenseOp, mil::ConstexprLutToSparseOp>(op)) {
    if (!usesIOS18Constexprs())
      return op->emitError()
             << op->getName().stripDialect()
             << " (a pruned weight) needs iOS18 (specification 9); the "
                "module's specification is "
             << specVersion;
    if (auto sparse = dyn_cast<mil::ConstexprSparseToDenseOp>(op))
      return exportSparseToDense(sparse, operation);
    return exportLutToSparse(cast<mil::ConstexprLutToSparseOp>(op), operation);
  }
  if (auto generic = dyn_cast<mil::GenericOp>(op))
    return exportGeneric(generic, operation);
  return op->emitError() << "'" << op->getName()
                         << "' has no Core ML form; only mil ops can be "
                            "exported";
}

LogicalResult CoreMLExporter::exportBlock(Block &body, milspec::Block &block) {
  for (Operation &op : body)
    if (failed(exportOperation(&op, block)))
      return failure();
  return success();
}

LogicalResult CoreMLExporter::exportFunction(func::FuncOp func,
                                             milspec::Block &block) {
  if (auto attrs = func->getAttrOfType<DictionaryAttr>("mil.block_attributes"))
    if (failed(exportValueMap(func, attrs, *block.mutable_attributes())))
      return failure();
  if (failed(exportBlock(func.getBody().front(), block)))
    return failure();
  if (auto unknown =
          func->getAttrOfType<StringAttr>("mil.block_unknown_fields"))
    setUnknownFields(block, unknown.getValue());
  return success();
}

//===----------------------------------------------------------------------===//
// The package
//===----------------------------------------------------------------------===//

LogicalResult CoreMLExporter::writePackage(StringRef staging) {
  auto specAttr =
      module->getAttrOfType<IntegerAttr>(mil::MILDialect::kSpecVersionAttrName);
  if (!specAttr)
    return module.emitError()
           << "the module is not a Core ML program: it has no '"
           << mil::MILDialect::kSpecVersionAttrName << "' attribute";
  specVersion = specAttr.getInt();

  llvm::SmallString<256> modelDir(staging);
  llvm::sys::path::append(modelDir, "Data", options.author);
  llvm::SmallString<256> weightsDir(modelDir);
  llvm::sys::path::append(weightsDir, "weights");
  if (std::error_code ec = llvm::sys::fs::create_directories(weightsDir))
    return module.emitError()
           << weightsDir << ": cannot create: " << ec.message();
  llvm::SmallString<256> weightFile(weightsDir);
  llvm::sys::path::append(weightFile, "weight.bin");
  weightPath = weightFile.str().str();

  spec::Model model;
  if (auto envelope = module->getAttrOfType<StringAttr>("mil.model_envelope"))
    if (!model.ParseFromString(envelope.getValue().str()))
      return module.emitError() << "'mil.model_envelope' is not a serialized "
                                   "Core ML model";
  model.set_specificationversion(int32_t(specVersion));
  milspec::Program &program = *model.mutable_mlprogram();
  if (auto version = module->getAttrOfType<IntegerAttr>("mil.program_version"))
    program.set_version(version.getInt());
  else
    program.set_version(1);
  if (auto doc = module->getAttrOfType<StringAttr>("mil.program_doc"))
    program.set_docstring(doc.getValue().str());
  if (auto attrs =
          module->getAttrOfType<DictionaryAttr>("mil.program_attributes"))
    if (failed(exportValueMap(module, attrs, *program.mutable_attributes())))
      return failure();
  if (auto unknown =
          module->getAttrOfType<StringAttr>("mil.program_unknown_fields"))
    setUnknownFields(program, unknown.getValue());

  collectNames();
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      return func.emitError() << "a Core ML function needs a body";
    auto opset =
        func->getAttrOfType<StringAttr>(mil::MILDialect::kOpsetAttrName);
    if (!opset)
      return func.emitError()
             << "a Core ML function needs a '"
             << mil::MILDialect::kOpsetAttrName << "' attribute";
    std::string functionName = func.getSymName().str();
    auto specializationOf =
        func->getAttrOfType<StringAttr>("mil.specialization_of");
    if (specializationOf)
      functionName = specializationOf.getValue().str();
    milspec::Function &function = (*program.mutable_functions())[functionName];
    scopes.assign(1, {});
    for (BlockArgument argument : func.getArguments())
      defineName(argument);
    if (!specializationOf) {
      function.set_opset(opset.getValue().str());
      for (BlockArgument argument : func.getArguments()) {
        milspec::NamedValueType &input = *function.add_inputs();
        input.set_name(getName(argument).str());
        if (failed(exportType(func, argument.getType(), *input.mutable_type())))
          return failure();
      }
      if (auto attrs = func->getAttrOfType<DictionaryAttr>("mil.attributes"))
        if (failed(exportValueMap(func, attrs, *function.mutable_attributes())))
          return failure();
      if (auto unknown = func->getAttrOfType<StringAttr>("mil.unknown_fields"))
        setUnknownFields(function, unknown.getValue());
    }
    milspec::Block &block =
        (*function.mutable_block_specializations())[opset.getValue().str()];
    if (failed(exportFunction(func, block)))
      return failure();
  }

  if (weightWriter) {
    if (llvm::Error error = weightWriter->finish())
      return module.emitError() << llvm::toString(std::move(error));
    weightStream->close();
    if (weightStream->has_error())
      return module.emitError()
             << weightPath
             << ": cannot write: " << weightStream->error().message();
  } else {
    (void)llvm::sys::fs::remove(weightsDir);
  }

  // Map entries in key order, so that the same module gives the same bytes.
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    // Strings the IR holds need not be UTF-8; protobuf would log each one.
    google::protobuf::LogSilencer silence;
    if (!model.SerializeToCodedStream(&coded))
      return module.emitError()
             << "the model cannot be serialized (over 2 GiB?)";
  }
  llvm::SmallString<256> modelFile(modelDir);
  llvm::sys::path::append(modelFile, "model.mlmodel");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(modelFile, ec);
    if (!ec) {
      os << bytes;
      os.close();
      ec = os.error();
    }
    if (ec)
      return module.emitError()
             << modelFile << ": cannot write: " << ec.message();
  }

  std::string modelId, weightsId;
  if (auto ids = module->getAttrOfType<ArrayAttr>("mil.package_identifiers");
      ids && ids.size() == 2) {
    modelId = cast<StringAttr>(ids[0]).getValue().str();
    weightsId = cast<StringAttr>(ids[1]).getValue().str();
  }
  if (modelId.empty())
    modelId = makeIdentifier(bytes);
  if (!weightWriter)
    weightsId.clear();
  else if (weightsId.empty())
    weightsId = makeIdentifier(modelId + "/weights");
  FailureOr<std::vector<PackageItem>> otherItems = copyOtherItems(staging);
  if (failed(otherItems))
    return failure();
  llvm::SmallString<256> manifestFile(staging);
  llvm::sys::path::append(manifestFile, "Manifest.json");
  std::error_code ec;
  llvm::raw_fd_ostream os(manifestFile, ec);
  if (!ec) {
    os << formatManifest(options.author, modelId, weightsId, *otherItems)
       << "\n";
    os.close();
    ec = os.error();
  }
  if (ec)
    return module.emitError()
           << manifestFile << ": cannot write: " << ec.message();
  return success();
}

FailureOr<std::vector<PackageItem>>
CoreMLExporter::copyOtherItems(StringRef staging) {
  std::vector<PackageItem> items;
  auto list = module->getAttrOfType<ArrayAttr>("mil.package_items");
  if (!list)
    return items;
  auto source = module->getAttrOfType<StringAttr>("mil.package_source");
  if (!source)
    return module.emitError() << "'mil.package_items' needs "
                                 "'mil.package_source', the package to copy "
                                 "them from";
  for (Attribute entry : list) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto text = [&](StringRef field) -> std::optional<std::string> {
      if (auto value = dict ? dict.getAs<StringAttr>(field) : StringAttr())
        return value.getValue().str();
      return std::nullopt;
    };
    std::optional<std::string> identifier = text("identifier"),
                               path = text("path");
    if (!identifier || !path)
      return module.emitError()
             << "'mil.package_items' entries need an 'identifier' and a "
                "'path', got "
             << entry;
    // The model and its weights are this export's own.
    llvm::StringRef author(options.author);
    if (*path == (author + "/model.mlmodel").str() ||
        *path == (author + "/weights").str() ||
        llvm::StringRef(*path).starts_with((author + "/weights/").str()))
      return module.emitError()
             << "package item '" << *identifier << "' is at " << *path
             << ", where the exported model is written";
    if (llvm::Error error = copyPackageItem(source.getValue(), staging, *path))
      return module.emitError()
             << "package item '" << *identifier << "' (" << *path
             << "): " << llvm::toString(std::move(error));
    items.push_back({*identifier, text("author").value_or(""),
                     text("description").value_or(""),
                     text("name").value_or(""), *path});
  }
  return items;
}

LogicalResult CoreMLExporter::run() {
  // Staged beside the destination, so that the final move is a rename.
  llvm::SmallString<256> staging;
  for (unsigned attempt = 0;; ++attempt) {
    staging = packagePath;
    staging += llvm::formatv(".partial-{0}-{1}",
                             llvm::sys::Process::getProcessId(), attempt)
                   .str();
    if (!llvm::sys::fs::exists(staging))
      break;
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(staging))
    return module.emitError() << staging << ": cannot create: " << ec.message();
  LogicalResult written = writePackage(staging);
  if (succeeded(written)) {
    if (llvm::Error error = replacePackage(staging, packagePath)) {
      module.emitError() << llvm::toString(std::move(error));
      written = failure();
    }
  }
  if (failed(written))
    (void)llvm::sys::fs::remove_directories(staging);
  return written;
}

LogicalResult
palettize::coreml::exportCoreMLPackage(ModuleOp module, StringRef packagePath,
                                       const ExportOptions &options) {
  return CoreMLExporter(module, packagePath, options).run();
}
