// A tight integer loop: the sum of i*i modulo a prime, for i in 0..n.

#include <stdint.h>

uint64_t run(uint32_t n) {
    const uint64_t modulus = 1000000007;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t x = i;
        acc = (acc + x * x % modulus) % modulus;
    }
    return acc;
}
