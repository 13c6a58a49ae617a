#!/usr/bin/env bash
# The tree-sitter grammar's tests: the committed parser is the one the grammar generates,
# the corpus and highlight tests pass, and every Claw file of the repository that the
# compiler parses (all but the syntax error tests) parses without an error.
# Needs `tree-sitter` (cargo install tree-sitter-cli) and a C compiler.
set -euo pipefail
cd "$(dirname "$0")"
tree-sitter generate
if ! git diff --quiet -- src; then
  echo "src/ is out of date: run \`tree-sitter generate\` in editors/tree-sitter-claw and commit it" >&2
  git diff --stat -- src >&2
  exit 1
fi
tree-sitter test
mapfile -t files < <(cd ../.. && find examples tests/programs tests/ir tests/test-files bench/kernels \
  -name '*.claw' | sort | sed 's|^|../../|')
tree-sitter parse --quiet "${files[@]}"
echo "parsed ${#files[@]} files without errors"
