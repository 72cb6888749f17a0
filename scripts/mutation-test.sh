#!/usr/bin/env bash
# Mutation testing: applies each mutation of scripts/mutations.txt alone to a
# scratch copy of the tree, rebuilds, runs the suite and prints the
# mutations no test noticed. Options: see scripts/mutation_test.py --help.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_dependencies || exit 1
exec /usr/bin/python3 "$PALETTIZE_ROOT/scripts/mutation_test.py" "$@"
