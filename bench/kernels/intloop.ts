// A tight integer loop: the sum of i*i modulo a prime, for i in 0..n.

export function run(n: u32): u64 {
  const modulus: u64 = 1000000007;
  let acc: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = i as u64;
    acc = (acc + ((x * x) % modulus)) % modulus;
  }
  return acc;
}
