// The start below n with the longest Collatz chain; the result packs its length (high 32 bits)
// and the start (low 32 bits).

#include <stdint.h>

uint64_t run(uint32_t n) {
    uint64_t best_len = 0;
    uint64_t best_start = 0;
    for (uint32_t start = 1; start < n; start++) {
        uint64_t x = start;
        uint64_t len = 1;
        while (x != 1) {
            if (x % 2 == 0) {
                x /= 2;
            } else {
                x = 3 * x + 1;
            }
            len++;
        }
        if (len > best_len) {
            best_len = len;
            best_start = start;
        }
    }
    return best_len << 32 | best_start;
}
