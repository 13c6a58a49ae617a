#!/usr/bin/env bash
# Times the kernels of bench/kernels/ written in Claw, C and AssemblyScript side by side, and
# prints a table (see crates/claw-cli/benches/kernels.rs for how they are timed).
# Usage: bash bench/kernels.sh
#
# The first run installs the peers' toolchains beside this script: zig (PyPI `ziglang`) in
# bench/.venv and AssemblyScript (the version package-lock.json pins) in bench/node_modules.
# A peer that cannot be installed or built is left out of the table, which says why.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=$PWD/bench
zig_version=0.14.1
target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
out=$target_dir/kernels
mkdir -p "$out/c" "$out/as"
kernels=(fib intloop sieve sort collatz springs strings records vm)

build_c() {
  if ! "$bench/.venv/bin/python" -m ziglang version 2>/dev/null | grep -qx "$zig_version"; then
    python3 -m venv "$bench/.venv" &&
      "$bench/.venv/bin/pip" install --quiet "ziglang==$zig_version" || return 1
  fi
  # Freestanding: no libc and no WASI imports, so the module needs nothing from its host.
  for k in "${kernels[@]}"; do
    "$bench/.venv/bin/python" -m ziglang cc --target=wasm32-freestanding -O2 -nostdlib -s \
      -Wl,--no-entry -Wl,--export=run -o "$out/c/$k.wasm" "$bench/kernels/$k.c" || return 1
  done
}

build_as() {
  (cd "$bench" && npm ci --silent --no-audit --no-fund) || return 1
  # The stub runtime never frees, which is fine with a fresh instance per call; `abort=`
  # drops the `env.abort` import, so a failed bounds check traps instead.
  for k in "${kernels[@]}"; do
    (cd "$bench" && npx --no-install asc "kernels/$k.ts" -O3 --runtime stub --use abort= \
      --noExportMemory -o "$out/as/$k.wasm") || return 1
  done
}

if build_c >&2; then
  export CLAW_KERNELS_C=$out/c
else
  export CLAW_KERNELS_C_MISSING="zig could not be installed or a C kernel did not build (see above)"
fi
if build_as >&2; then
  export CLAW_KERNELS_AS=$out/as
else
  export CLAW_KERNELS_AS_MISSING="AssemblyScript could not be installed or a kernel did not build (see above)"
fi
cargo bench -q -p claw-cli --bench kernels
