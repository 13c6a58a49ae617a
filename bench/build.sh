#!/usr/bin/env bash
# Prints a table of `claw build` time and component size (with and without the DWARF line
# table, `--strip`) for every example, then the time and peak memory of compiling a
# generated 40,000-line file.
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

# A 40,000-line file (4,000 functions with loops, lists, strings and a match): compile time
# and peak memory at -O0 and -O2, the compiler's throughput on large inputs.
big="$out/big.claw"
{
  echo 'let mut total: u64 = 0;'
  for i in $(seq 0 3999); do
    cat <<CLAW
func f$i(n: u32, s: string) -> u32 {
    let mut acc: u32 = $i;
    let mut xs: list<u32> = [1, 2, $i];
    for x in xs { acc += x * n; }
    let mut t = s;
    t += "x$i";
    if acc > 100 { acc -= 7; } else { acc += t.len(); }
    match n % 3 { 0 => { acc += 1; } 1 => { acc += 2; } _ => {} }
    return acc;
}
CLAW
  done
  echo 'export func run(n: u32) -> u32 {'
  echo '    let mut a: u32 = 0;'
  for i in $(seq 0 100 3999); do echo "    a += f$i(n, \"s\");"; done
  echo '    return a;'
  echo '}'
} > "$big"
printf '\n%-28s %10s %14s\n' "$(wc -l < "$big") lines" "time (s)" "peak (KiB)"
for level in 0 2; do
  /usr/bin/time -f "%e %M" -o "$out/time" "$claw" build "-O$level" "$big" -o "$out/big.wasm"
  read -r secs kib < "$out/time"
  printf '%-28s %10s %14s\n' "-O$level" "$secs" "$kib"
done

# What `claw lsp` does on every keystroke (check the whole file again) and `claw fmt`, on a
# 5,000-line file: the first 500 functions of the file above.
mid="$out/mid.claw"
head -n 5001 "$big" > "$mid"
printf '\n%-28s %10s\n' "$(wc -l < "$mid") lines" "time (ms)"
for cmd in check "fmt --check"; do
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do
    # `fmt --check` exits 1 on a file not yet formatted, as this one is.
    $claw $cmd "$mid" > /dev/null || true
  done
  end=$(date +%s%N)
  printf '%-28s %10s\n' "claw $cmd" "$(awk -v d=$((end - start)) -v n="$runs" 'BEGIN { printf "%.1f", d / n / 1e6 }')"
done
