// The start below n with the longest Collatz chain; the result packs its length (high 32 bits)
// and the start (low 32 bits).

export function run(n: u32): u64 {
  let bestLen: u64 = 0;
  let bestStart: u64 = 0;
  for (let start: u32 = 1; start < n; start++) {
    let x = start as u64;
    let len: u64 = 1;
    while (x != 1) {
      if (x % 2 == 0) {
        x /= 2;
      } else {
        x = 3 * x + 1;
      }
      len++;
    }
    if (len > bestLen) {
      bestLen = len;
      bestStart = start as u64;
    }
  }
  return (bestLen << 32) | bestStart;
}
