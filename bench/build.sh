#!/usr/bin/env bash
# Prints a table of `claw build` time and component size (with and without the DWARF line
# table, `--strip`) for every example.
# Usage: bash bench/build.sh [RUNS]   (default 20 runs per example; release build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
cargo build --release -q -p claw-cli
claw=target/release/claw
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-28s %10s %14s %12s\n' example "size (B)" "stripped (B)" "build (ms)"
for src in examples/*.claw; do
  name=$(basename "$src" .claw)
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do
    "$claw" build "$src" -o "$out/$name.wasm"
  done
  end=$(date +%s%N)
  ms=$(awk -v d=$((end - start)) -v n="$runs" 'BEGIN { printf "%.2f", d / n / 1e6 }')
  "$claw" build --strip "$src" -o "$out/$name.stripped.wasm"
  printf '%-28s %10s %14s %12s\n' "$name" "$(stat -c %s "$out/$name.wasm")" \
    "$(stat -c %s "$out/$name.stripped.wasm")" "$ms"
done
