// The heap of the freestanding C kernels: a bump allocator over the module's own linear
// memory. Each timed call runs on a fresh instance, so nothing is ever freed; a realloc of the
// newest block grows it in place, which is what makes appending amortized linear.

#include <stddef.h>
#include <stdint.h>

extern unsigned char __heap_base;

static uintptr_t heap_top;
static uintptr_t last_block;

static void *bump_alloc(size_t size) {
    if (heap_top == 0) {
        heap_top = (uintptr_t)&__heap_base;
    }
    uintptr_t start = (heap_top + 7) & ~(uintptr_t)7;
    uintptr_t end = start + size;
    uintptr_t have = __builtin_wasm_memory_size(0) * 65536;
    if (end > have) {
        size_t pages = (end - have + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) {
            __builtin_trap();
        }
    }
    heap_top = end;
    last_block = start;
    return (void *)start;
}

static void *bump_realloc(void *block, size_t old_size, size_t new_size) {
    if (block != NULL && (uintptr_t)block == last_block) {
        heap_top = last_block;
        void *grown = bump_alloc(new_size);
        return grown;
    }
    void *fresh = bump_alloc(new_size);
    if (block != NULL) {
        __builtin_memcpy(fresh, block, old_size);
    }
    return fresh;
}
