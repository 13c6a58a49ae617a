// Recursive Fibonacci: call overhead and integer arithmetic, nothing else.

#include <stdint.h>

static uint64_t fib(uint32_t n) {
    if (n < 2) {
        return n;
    }
    return fib(n - 1) + fib(n - 2);
}

uint64_t run(uint32_t n) {
    return fib(n);
}
