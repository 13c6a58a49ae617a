// Sieve of Eratosthenes over an array of n bytes: the number of primes below n.

#include <stdbool.h>
#include "alloc.h"

uint64_t run(uint32_t n) {
    bool *composite = bump_alloc(n);
    for (uint32_t i = 0; i < n; i++) {
        composite[i] = false;
    }
    uint64_t count = 0;
    for (uint32_t i = 2; i < n; i++) {
        if (composite[i]) {
            continue;
        }
        count++;
        for (uint64_t j = (uint64_t)i * i; j < n; j += i) {
            composite[j] = true;
        }
    }
    return count;
}
