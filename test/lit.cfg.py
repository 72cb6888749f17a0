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
# The Core ML tests: the bundled package, and the independent checker with
# the project's schema.
config.substitutions.append(
    ("%dtln", os.path.join(config.palettize_src_root, "examples", "coreml",
                           "DTLN_AEC_128_Part1.mlpackage")))
config.substitutions.append(
    ("%coreml_schema", os.path.join(config.palettize_src_root, "lib", "Target",
                                    "CoreML", "Schema")))
config.substitutions.append(
    ("%coreml_check",
     f"{config.python_executable} "
     + os.path.join(config.palettize_src_root, "test", "Target", "CoreML",
                    "Inputs", "coreml_check.py")
     + " --schema " + os.path.join(config.palettize_src_root, "lib", "Target",
                                   "CoreML", "Schema")))

# palettize-opt from the build; the stock mlir-opt (for the plugin tests),
# FileCheck, not and split-file from Debian's LLVM 22.
tool_dirs = [config.palettize_tools_dir, config.llvm_tools_dir]
tools = ["palettize-opt", "palettize-translate", "palettize-coreml", "palettize-fuzz-lut-replay",
         "palettize-fuzz-mil-replay", "palettize-fuzz-config-replay",
         "palettize-fuzz-safetensors-replay", "palettize-fuzz-coreml-replay"]
# Under a sanitizer build, the stock mlir-opt (not built with it) loads the
# instrumented plugin only with the runtime preloaded; its own allocations
# are then tracked too, and libMLIR's are not leak-free at exit, so leak
# checking is off for it (it stays on for palettize-opt and the unit tests).
#
# LLVM's bump allocators poison the free part of their slabs when compiled
# with ASan. Instrumented code here inlines them (attribute storage), and the
# uninstrumented libMLIR then allocates from the same slabs without
# unpoisoning: a false use-after-poison. User poisoning is off; the heap,
# stack and global checks stay on.
if config.palettize_sanitize:
    config.available_features.add("sanitized")
    preload = []
    if "address" in config.palettize_sanitize:
        config.environment["ASAN_OPTIONS"] = "allow_user_poisoning=0"
        preload = [f"LD_PRELOAD={config.palettize_sanitizer_runtime}",
                   "ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0"]
    mlir_opt = os.path.join(config.llvm_tools_dir, "mlir-opt")
    tools.append(ToolSubst("mlir-opt", unresolved="fatal",
                           command=" ".join(["env"] + preload + [mlir_opt])))
else:
    tools.append("mlir-opt")
llvm_config.add_tool_substitutions(tools, tool_dirs)
# An embedding project built against an instrumented install links the
# sanitizer runtime too.
consumer_flags = ""
if config.palettize_sanitize:
    consumer_flags = (f"-DCMAKE_EXE_LINKER_FLAGS=-fsanitize="
                      f"{config.palettize_sanitize}")
config.substitutions.append(("%consumer_cmake_flags", consumer_flags))
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# Scripts the tests run (test/Execution/Inputs) call palettize-opt by name.
llvm_config.with_environment("PATH", config.palettize_tools_dir,
                             append_path=True)


# The execution tests run lowered models under mlir-runner with MLIR's
# runner libraries (both from libmlir-22-dev and mlir-22-tools), and compile
# one with llc; without them they are reported UNSUPPORTED.
runner = os.path.join(config.llvm_tools_dir, "mlir-runner")
runner_libs = [os.path.join(config.llvm_lib_dir, f"lib{name}.so")
               for name in ("mlir_c_runner_utils", "mlir_runner_utils")]
missing = [path for path in [runner] + runner_libs
           if not os.path.exists(path)]
if missing:
    lit_config.note("execution tests skipped: missing " + ", ".join(missing))
else:
    config.available_features.add("mlir-runner")
    config.substitutions.append(
        ("%mlir_runner", f"{runner} -e main -entry-point-result=void "
                         f"-shared-libs={','.join(runner_libs)}"))
for tool in ("llc", "llvm-size", "mlir-translate"):
    if os.path.exists(os.path.join(config.llvm_tools_dir, tool)):
        config.available_features.add(tool)

# The AVX2 LUT kernel (lut-matmul=avx2) runs only where the host has AVX2.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if " avx2" in cpuinfo.read():
            config.available_features.add("avx2")
except OSError:
    pass
