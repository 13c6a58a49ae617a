// Records in an array: n items {id, price, qty} from a linear congruential generator, a few
// passes of discounts and restocking over them, then the stock's value and an id checksum.

#include "alloc.h"

struct item {
    uint32_t id, price, qty;
};

uint64_t run(uint32_t n) {
    struct item *items = bump_alloc((size_t)n * sizeof(struct item));
    uint32_t state = 42;
    for (uint32_t i = 0; i < n; i++) {
        state = state * 1664525u + 1013904223u;
        uint32_t price = 100 + (state >> 8) % 10000;
        state = state * 1664525u + 1013904223u;
        uint32_t qty = (state >> 8) % 100;
        items[i] = (struct item){.id = i, .price = price, .qty = qty};
    }
    for (int pass = 0; pass < 8; pass++) {
        for (uint32_t i = 0; i < n; i++) {
            if (items[i].qty > 50) {
                items[i].price = items[i].price * 9 / 10;
                items[i].qty -= 7;
            } else {
                items[i].qty += 3;
            }
        }
    }
    uint64_t value = 0;
    uint64_t ids = 0;
    for (uint32_t i = 0; i < n; i++) {
        value += (uint64_t)items[i].price * items[i].qty;
        if (items[i].qty % 2 == 0) {
            ids ^= (uint64_t)items[i].id * 2654435761u;
        }
    }
    return value + ids;
}
