// String building: append one character at a time, n times, cycling through "abcd", to a
// buffer that doubles when full; the result adds the length in bytes to a position-weighted
// count of the 'c's, so a wrong string shows.

#include "alloc.h"

uint64_t run(uint32_t n) {
    char *s = NULL;
    size_t len = 0;
    size_t cap = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (len == cap) {
            size_t grown = cap == 0 ? 16 : cap * 2;
            s = bump_realloc(s, cap, grown);
            cap = grown;
        }
        s[len++] = "abcd"[i % 4];
    }
    uint64_t sum = 0;
    uint64_t position = 0;
    for (size_t k = 0; k < len; k++) {
        position++;
        if (s[k] == 'c') {
            sum += position;
        }
    }
    return sum + len;
}
