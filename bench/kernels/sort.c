// Insertion sort of n pseudo-random u32s from a linear congruential generator; the result is a
// checksum of the sorted array, so a wrong order shows.

#include "alloc.h"

uint64_t run(uint32_t n) {
    uint32_t *xs = bump_alloc((size_t)n * sizeof(uint32_t));
    uint32_t state = 12345;
    for (uint32_t i = 0; i < n; i++) {
        state = state * 1664525u + 1013904223u;
        xs[i] = state >> 8;
    }
    for (uint32_t i = 1; i < n; i++) {
        uint32_t key = xs[i];
        uint32_t j = i;
        while (j > 0 && xs[j - 1] > key) {
            xs[j] = xs[j - 1];
            j--;
        }
        xs[j] = key;
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum = sum * 31 + xs[i];
    }
    return sum;
}
