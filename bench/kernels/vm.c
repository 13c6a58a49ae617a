// A switch-heavy interpreter: a stack machine whose instructions are tagged structs, running a
// bytecode loop of n rounds of `acc = (acc * 31 + i) % 1000003`; the result is `acc`.

#include <stdint.h>

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, REM, JUMP, JUMP_IF_ZERO, HALT };

struct instr {
    enum op op;
    int64_t arg;
};

// Locals: 0 is `acc`, 1 is `i`, which counts down from n.
static const struct instr program[] = {
    {LOAD, 1},  {JUMP_IF_ZERO, 15}, {LOAD, 0},  {PUSH, 31},   {MUL, 0},  {LOAD, 1},
    {ADD, 0},   {PUSH, 1000003},    {REM, 0},   {STORE, 0},   {LOAD, 1}, {PUSH, 1},
    {SUB, 0},   {STORE, 1},         {JUMP, 0},  {LOAD, 0},    {HALT, 0},
};

uint64_t run(uint32_t n) {
    int64_t locals[2] = {0, (int64_t)n};
    int64_t stack[8] = {0};
    uint32_t sp = 0;
    uint32_t pc = 0;
    for (;;) {
        struct instr op = program[pc];
        pc++;
        switch (op.op) {
        case PUSH:
            stack[sp++] = op.arg;
            break;
        case LOAD:
            stack[sp++] = locals[op.arg];
            break;
        case STORE:
            locals[op.arg] = stack[--sp];
            break;
        case ADD:
            sp--;
            stack[sp - 1] += stack[sp];
            break;
        case SUB:
            sp--;
            stack[sp - 1] -= stack[sp];
            break;
        case MUL:
            sp--;
            stack[sp - 1] *= stack[sp];
            break;
        case REM:
            sp--;
            stack[sp - 1] %= stack[sp];
            break;
        case JUMP:
            pc = (uint32_t)op.arg;
            break;
        case JUMP_IF_ZERO:
            if (stack[--sp] == 0) {
                pc = (uint32_t)op.arg;
            }
            break;
        case HALT:
            return (uint64_t)stack[sp - 1];
        }
    }
}
