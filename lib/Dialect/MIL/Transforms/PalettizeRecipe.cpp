//===- PalettizeRecipe.cpp - A config file that reproduces a run ----------===//
//
// write-config: the settings each palettized constant got, as
// op_name_configs by constant name, checked to select exactly those
// constants when passed back as config=.
//
//===----------------------------------------------------------------------===//

#include "PalettizeReport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/YAMLParser.h"

using namespace mlir;
using namespace palettize;

std::optional<std::string> palettize::getOpName(Operation *op) {
  if (auto name = op->getAttrOfType<StringAttr>("name"))
    return name.str();
  if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
    return nameLoc.getName().str();
  return std::nullopt;
}

LogicalResult palettize::formatRecipe(ArrayRef<ConstantRecord> records,
                                      ArrayRef<Operation *> ops, StringRef path,
                                      std::string &text) {
  llvm::StringMap<std::string> entries;
  std::vector<std::string> order;
  auto nameError = [&](size_t r) {
    InFlightDiagnostic diagnostic =
        ops[r]->emitError("palettize-weights: write-config=") << path << ": ";
    return diagnostic;
  };
  for (size_t r = 0; r < records.size(); ++r) {
    const ConstantRecord &record = records[r];
    if (!record.isPalettized())
      continue;
    if (!record.name)
      return nameError(r)
             << "this constant has no name (a `name` attribute or a NameLoc) "
                "for op_name_configs to select it by";
    std::string entry = formatConfigEntry(record.settings);
    auto [it, inserted] = entries.try_emplace(*record.name, entry);
    if (inserted)
      order.push_back(*record.name);
    else if (it->second != entry)
      return nameError(r) << "constants named '" << *record.name
                          << "' were palettized with different settings; "
                             "one entry cannot select each its own";
  }
  // Constants left alone must stay so: not selected by their own name, nor
  // (without an entry of their own) by a consumer's.
  for (size_t r = 0; r < records.size(); ++r) {
    const ConstantRecord &record = records[r];
    const bool hasEntry = record.name && entries.count(*record.name);
    if (!record.isPalettized() && hasEntry)
      return nameError(r) << "this constant is named '" << *record.name
                          << "' like a palettized one, but was left alone; "
                             "its entry would select it too";
    if (hasEntry)
      continue;
    for (Operation *user : ops[r]->getResult(0).getUsers())
      if (std::optional<std::string> userName = getOpName(user))
        if (entries.count(*userName))
          return nameError(r)
                 << "its consumer '" << user->getName() << "' is named '"
                 << *userName
                 << "' like a palettized constant; that entry would select "
                    "this constant too";
  }
  llvm::raw_string_ostream os(text);
  os << "# The settings palettize-weights gave each constant; passed back as\n"
        "# config=, this file reproduces the same output.\n"
        "config_type: OpPalettizerConfig\n"
        "global_config: null\n";
  if (order.empty()) {
    os << "op_name_configs: {}\n";
    return success();
  }
  os << "op_name_configs:\n";
  for (const std::string &name : order)
    os << "  \"" << llvm::yaml::escape(name) << "\": " << entries[name] << "\n";
  return success();
}
