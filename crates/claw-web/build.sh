#!/usr/bin/env bash
# Builds the compiler component, `claw:compiler/api`: claw-web for wasm32-unknown-unknown (the
# `web` profile: small and fast), wrapped into a component by `claw-web-pack`.
#
#   bash crates/claw-web/build.sh [OUT.wasm]      (default: target/claw-web.wasm)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/target/claw-web.wasm}"
if command -v rustup > /dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
cargo build --manifest-path "$root/Cargo.toml" --quiet -p claw-web --lib \
    --target wasm32-unknown-unknown --profile web
mkdir -p "$(dirname "$out")"
cargo run --manifest-path "$root/Cargo.toml" --quiet -p claw-web --bin claw-web-pack -- \
    "$root/target/wasm32-unknown-unknown/web/claw_web.wasm" "$out"
