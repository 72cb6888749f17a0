//===- BitWidthOption.h - The nbits option: a width or auto -----*- C++ -*-===//
//
// palettize-weights' `nbits` takes a number or `auto`. This is its value
// type, converting from an integer so that `options.nbits = 4` keeps
// working, with the llvm::cl parser that reads it.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_DIALECT_MIL_TRANSFORMS_BITWIDTHOPTION_H
#define PALETTIZE_DIALECT_MIL_TRANSFORMS_BITWIDTHOPTION_H

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>

namespace palettize {

/// An index bit width, 0 (not given), or auto (chosen per constant).
struct BitWidthOption {
  int64_t width = 0;
  bool isAuto = false;

  BitWidthOption() = default;
  BitWidthOption(int64_t width) : width(width) {}
  /// Returns `auto`.
  static BitWidthOption automatic() {
    BitWidthOption option;
    option.isAuto = true;
    return option;
  }

  bool operator==(const BitWidthOption &other) const {
    return width == other.width && isAuto == other.isAuto;
  }
};

inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os,
                                     const BitWidthOption &option) {
  if (option.isAuto)
    return os << "auto";
  return os << option.width;
}

} // namespace palettize

namespace llvm::cl {

/// Reads a decimal integer or `auto`; the range is the pass's to check.
template <>
class parser<palettize::BitWidthOption>
    : public basic_parser<palettize::BitWidthOption> {
public:
  parser(Option &option) : basic_parser(option) {}

  bool parse(Option &option, StringRef argName, StringRef arg,
             palettize::BitWidthOption &value) {
    if (arg == "auto") {
      value = palettize::BitWidthOption::automatic();
      return false;
    }
    int64_t width;
    if (arg.getAsInteger(10, width))
      return option.error("'" + arg + "' is not a bit width or auto");
    value = palettize::BitWidthOption(width);
    return false;
  }

  StringRef getValueName() const override { return "int|auto"; }

  /// For --help-hidden's value listing: the value, and the default when it
  /// differs.
  void printOptionDiff(const Option &option,
                       const palettize::BitWidthOption &value,
                       const OptVal &defaultValue, size_t globalWidth) const {
    printOptionName(option, globalWidth);
    std::string text;
    raw_string_ostream(text) << value;
    outs() << "= " << text << "\n";
  }

  static void print(raw_ostream &os, const palettize::BitWidthOption &value) {
    os << value;
  }
};

} // namespace llvm::cl

#endif // PALETTIZE_DIALECT_MIL_TRANSFORMS_BITWIDTHOPTION_H
