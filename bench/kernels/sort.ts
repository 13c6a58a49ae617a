// Insertion sort of n pseudo-random u32s from a linear congruential generator; the result is a
// checksum of the sorted array, so a wrong order shows.

export function run(n: u32): u64 {
  const xs = new Array<u32>(n);
  let state: u32 = 12345;
  for (let i: u32 = 0; i < n; i++) {
    state = state * 1664525 + 1013904223;
    xs[i] = state >> 8;
  }
  for (let i: u32 = 1; i < n; i++) {
    const key = xs[i];
    let j = i;
    while (j > 0 && xs[j - 1] > key) {
      xs[j] = xs[j - 1];
      j--;
    }
    xs[j] = key;
  }
  let sum: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    sum = sum * 31 + (xs[i] as u64);
  }
  return sum;
}
