//! [`Code`]: a function body being built, with the locals it needs allocated on demand.

use wasm_encoder::{Function, Instruction as I, MemArg, ValType};

pub struct Code {
    pub insts: Vec<I<'static>>,
    locals: Vec<ValType>,
    next: u32,
    /// Source offsets of the statements, by the index of their first instruction.
    marks: Vec<(usize, u32)>,
}

/// A finished body and, for the debug line table, the byte offset in the body where each
/// marked source position's code starts.
pub struct Body {
    pub function: Function,
    pub lines: Vec<(u32, u32)>,
}

impl Code {
    /// A body for a function whose parameters take the first `params` locals.
    pub fn new(params: u32) -> Code {
        Code {
            insts: Vec::new(),
            locals: Vec::new(),
            next: params,
            marks: Vec::new(),
        }
    }

    /// Notes that the code emitted next comes from `source_offset` in the file.
    pub fn mark(&mut self, source_offset: u32) {
        self.marks.push((self.insts.len(), source_offset));
    }

    pub fn push(&mut self, instruction: I<'static>) {
        self.insts.push(instruction);
    }

    pub fn extend(&mut self, instructions: impl IntoIterator<Item = I<'static>>) {
        self.insts.extend(instructions);
    }

    /// Fresh, consecutive locals of the given types; returns the first.
    pub fn locals(&mut self, types: &[ValType]) -> u32 {
        let first = self.next;
        self.locals.extend_from_slice(types);
        self.next += types.len() as u32;
        first
    }

    pub fn local(&mut self, ty: ValType) -> u32 {
        self.locals(&[ty])
    }

    /// Pops values of the given types off the stack into fresh locals; returns the first.
    pub fn stash(&mut self, types: &[ValType]) -> u32 {
        let first = self.locals(types);
        self.set(first, types.len());
        first
    }

    /// Pops `count` values into the locals starting at `first`.
    pub fn set(&mut self, first: u32, count: usize) {
        for index in (0..count as u32).rev() {
            self.push(I::LocalSet(first + index));
        }
    }

    /// Pushes the locals `first..first + count`.
    pub fn get(&mut self, first: u32, count: usize) {
        for index in 0..count as u32 {
            self.push(I::LocalGet(first + index));
        }
    }

    /// Pushes a zero of each type.
    pub fn zeros(&mut self, types: &[ValType]) {
        for ty in types {
            self.push(zero(*ty));
        }
    }

    pub fn finish(self) -> Function {
        self.finish_marked().function
    }

    pub fn finish_marked(mut self) -> Body {
        self.push(I::End);
        let mut function = Function::new_with_locals_types(self.locals.iter().copied());
        let mut lines = Vec::new();
        let mut marks = self.marks.iter().peekable();
        for (index, instruction) in self.insts.iter().enumerate() {
            while let Some(&&(at, source)) = marks.peek() {
                if at != index {
                    break;
                }
                lines.push((function.byte_len() as u32, source));
                marks.next();
            }
            function.instruction(instruction);
        }
        Body { function, lines }
    }
}

pub fn zero(ty: ValType) -> I<'static> {
    match ty {
        ValType::I64 => I::I64Const(0),
        ValType::F32 => I::F32Const(0.0f32.into()),
        ValType::F64 => I::F64Const(0.0f64.into()),
        _ => I::I32Const(0),
    }
}

pub fn mem(offset: u32, align: u32) -> MemArg {
    MemArg {
        offset: offset.into(),
        align: align.trailing_zeros(),
        memory_index: 0,
    }
}
