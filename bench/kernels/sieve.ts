// Sieve of Eratosthenes over an array of n bools: the number of primes below n.

export function run(n: u32): u64 {
  const composite = new Array<bool>(n);
  for (let i: u32 = 0; i < n; i++) {
    composite[i] = false;
  }
  let count: u64 = 0;
  for (let i: u32 = 2; i < n; i++) {
    if (composite[i]) {
      continue;
    }
    count++;
    for (let j = (i as u64) * i; j < n; j += i) {
      composite[j as i32] = true;
    }
  }
  return count;
}
