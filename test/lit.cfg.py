# -*- Python -*-
# lit configuration of the palettize FileCheck tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "palettize"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.palettize_obj_root, "test")
# test/Unit is a suite of its own (the GoogleTest programs); Inputs holds
# files that tests read, not tests.
config.excludes = [
    "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
    "find-package.test.mlir", "dialect-only.test.mlir",
    "matmul-only.test.mlir",
]

llvm_config.use_default_substitutions()

plugin = os.path.join(config.palettize_lib_dir, "PalettizePlugin.so")
config.substitutions.append(("%palettize_plugin", plugin))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%src_root", config.palettize_src_root))
config.substitutions.append(("%palettize_obj_root", config.palettize_obj_root))

# palettize-opt from the build; the stock mlir-opt (for the plugin tests),
# FileCheck, not and split-file from Debian's LLVM 22.
tool_dirs = [config.palettize_tools_dir, config.llvm_tools_dir]
tools = ["palettize-opt", "mlir-opt"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
