# -*- Python -*-
# lit configuration that runs the GoogleTest programs under unittests/, one
# lit test per GoogleTest case.

import lit.formats

config.name = "palettize-unit"
config.suffixes = []
config.test_source_root = config.unittests_dir
config.test_exec_root = config.unittests_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")
