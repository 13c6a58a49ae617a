// Recursive Fibonacci: call overhead and integer arithmetic, nothing else.

function fib(n: u32): u64 {
  if (n < 2) {
    return n as u64;
  }
  return fib(n - 1) + fib(n - 2);
}

export function run(n: u32): u64 {
  return fib(n);
}
