// A switch-heavy interpreter: a stack machine whose instructions are objects with an opcode,
// running a bytecode loop of n rounds of `acc = (acc * 31 + i) % 1000003`; the result is `acc`.

enum Op {
  Push,
  Load,
  Store,
  Add,
  Sub,
  Mul,
  Rem,
  Jump,
  JumpIfZero,
  Halt,
}

class Instr {
  constructor(
    public op: Op,
    public arg: i64 = 0,
  ) {}
}

// Locals: 0 is `acc`, 1 is `i`, which counts down from n.
function program(): Array<Instr> {
  return [
    new Instr(Op.Load, 1),
    new Instr(Op.JumpIfZero, 15),
    new Instr(Op.Load, 0),
    new Instr(Op.Push, 31),
    new Instr(Op.Mul),
    new Instr(Op.Load, 1),
    new Instr(Op.Add),
    new Instr(Op.Push, 1000003),
    new Instr(Op.Rem),
    new Instr(Op.Store, 0),
    new Instr(Op.Load, 1),
    new Instr(Op.Push, 1),
    new Instr(Op.Sub),
    new Instr(Op.Store, 1),
    new Instr(Op.Jump, 0),
    new Instr(Op.Load, 0),
    new Instr(Op.Halt),
  ];
}

export function run(n: u32): u64 {
  const code = program();
  const locals: Array<i64> = [0, n as i64];
  const stack = new Array<i64>(8);
  let sp: i32 = 0;
  let pc: i32 = 0;
  while (true) {
    const instr = code[pc];
    pc++;
    switch (instr.op) {
      case Op.Push:
        stack[sp++] = instr.arg;
        break;
      case Op.Load:
        stack[sp++] = locals[instr.arg as i32];
        break;
      case Op.Store:
        locals[instr.arg as i32] = stack[--sp];
        break;
      case Op.Add:
        sp--;
        stack[sp - 1] += stack[sp];
        break;
      case Op.Sub:
        sp--;
        stack[sp - 1] -= stack[sp];
        break;
      case Op.Mul:
        sp--;
        stack[sp - 1] *= stack[sp];
        break;
      case Op.Rem:
        sp--;
        stack[sp - 1] %= stack[sp];
        break;
      case Op.Jump:
        pc = instr.arg as i32;
        break;
      case Op.JumpIfZero:
        if (stack[--sp] == 0) {
          pc = instr.arg as i32;
        }
        break;
      case Op.Halt:
        return stack[sp - 1] as u64;
    }
  }
}
