//! [`Code`]: a function body being built, with the locals it needs allocated on demand.

use wasm_encoder::{Function, Instruction as I, MemArg, ValType};

pub struct Code {
    pub insts: Vec<I<'static>>,
    locals: Vec<ValType>,
    params: u32,
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
            params,
            next: params,
            marks: Vec::new(),
        }
    }

    /// Notes that the code emitted next comes from `source_offset` in the file.
    pub fn mark(&mut self, source_offset: u32) {
        if source_offset == crate::codegen::NO_SOURCE {
            return;
        }
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
        #[cfg(debug_assertions)]
        if let Some((at, local)) = read_before_write(&self.insts, self.params) {
            panic!(
                "local {local} is read at instruction {at} before any write on some path: {:?}",
                &self.insts[at.saturating_sub(12)..=at]
            );
        }
        super::locals::optimize(&mut self.insts, self.params, self.locals.len() as u32);
        let (insts, marks) = peephole(std::mem::take(&mut self.insts), &self.marks);
        self.insts = insts;
        self.marks = marks;
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

/// Rewrites the stack shuffles code generation leaves behind into fewer instructions:
/// `nop`s go, a multiplication by 1 goes, `local.set x; local.get x` is `local.tee x`, a value stored into a local nothing reads is
/// dropped instead, and a constant or a `local.get` that is dropped at once is not pushed.
/// Each rewrite keeps the stack and every local that is read exactly as they were. The marks
/// (statement starts) move with the instructions they point at.
fn peephole(
    insts: Vec<I<'static>>,
    marks: &[(usize, u32)],
) -> (Vec<I<'static>>, Vec<(usize, u32)>) {
    let mut reads: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for inst in &insts {
        if let I::LocalGet(x) = inst {
            *reads.entry(*x).or_default() += 1;
        }
    }
    let mut out: Vec<I<'static>> = Vec::with_capacity(insts.len());
    // Where each instruction's code starts in `out`.
    let mut starts = Vec::with_capacity(insts.len() + 1);
    for inst in insts {
        starts.push(out.len());
        let mut next = Some(inst);
        while let Some(inst) = next.take() {
            match (inst, out.last()) {
                (I::Nop, _) => {}
                // Scaling by an element size of 1.
                (I::I32Mul, Some(I::I32Const(1))) => {
                    out.pop();
                }
                (I::LocalGet(x), Some(I::LocalSet(y))) if x == *y => {
                    out.pop();
                    let count = reads.get_mut(&x).expect("a local.get was counted");
                    *count -= 1;
                    // Read nowhere else: the value just stays on the stack.
                    if *count > 0 {
                        out.push(I::LocalTee(x));
                    }
                }
                // `get a; get b; set c; drop` is `get b; set c`: the dropped `a` was never
                // needed.
                (I::Drop, Some(I::LocalSet(_)))
                    if matches!(
                        out.get(out.len().wrapping_sub(3)..),
                        Some([I::LocalGet(_), I::LocalGet(_), I::LocalSet(_)])
                    ) =>
                {
                    let set = out.pop().expect("matched");
                    let b = out.pop().expect("matched");
                    if let Some(I::LocalGet(a)) = out.pop() {
                        if let Some(count) = reads.get_mut(&a) {
                            *count -= 1;
                        }
                    }
                    out.push(b);
                    out.push(set);
                }
                (I::LocalSet(x), _) if reads.get(&x).copied().unwrap_or(0) == 0 => {
                    next = Some(I::Drop);
                }
                (I::LocalTee(x), _) if reads.get(&x).copied().unwrap_or(0) == 0 => {}
                (I::Drop, Some(I::LocalTee(x))) => {
                    let x = *x;
                    out.pop();
                    next = Some(I::LocalSet(x));
                }
                (I::Drop, Some(I::LocalGet(x))) => {
                    let x = *x;
                    out.pop();
                    if let Some(count) = reads.get_mut(&x) {
                        *count -= 1;
                    }
                }
                (
                    I::Drop,
                    Some(I::I32Const(_) | I::I64Const(_) | I::F32Const(_) | I::F64Const(_)),
                ) => {
                    out.pop();
                }
                (inst, _) => out.push(inst),
            }
        }
    }
    starts.push(out.len());
    // A mark never points past a later one, nor past the end.
    let mut moved: Vec<(usize, u32)> = marks
        .iter()
        .map(|&(at, source)| (starts[at.min(starts.len() - 1)].min(out.len()), source))
        .collect();
    for k in (0..moved.len().saturating_sub(1)).rev() {
        moved[k].0 = moved[k].0.min(moved[k + 1].0);
    }
    (out, moved)
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

/// The first `local.get` of a non-parameter local that some path reaches before any
/// `local.set` or `local.tee` of it, as (instruction index, local).
///
/// Wasm zeroes locals only on function entry, so code that relies on a fresh local being zero
/// is right the first time round an enclosing loop and wrong every time after: the bug behind
/// nested `for` loops that did not restart and `push` onto a list declared in a loop body.
/// Code generation therefore writes every local before reading it, and debug builds check it
/// with this definite-assignment analysis over the structured control flow.
#[cfg_attr(not(debug_assertions), allow(dead_code))]
pub fn read_before_write(insts: &[I<'static>], params: u32) -> Option<(usize, u32)> {
    use std::collections::BTreeSet;
    /// The locals written on every path to a point, or `None` where no path reaches it.
    type State = Option<BTreeSet<u32>>;
    fn meet(a: &State, b: &State) -> State {
        match (a, b) {
            (None, x) | (x, None) => x.clone(),
            (Some(a), Some(b)) => Some(a.intersection(b).copied().collect()),
        }
    }
    struct Frame {
        is_loop: bool,
        is_if: bool,
        entry: State,
        /// The meet of the states at branches to this frame's end (not for loops).
        exits: State,
        then_end: Option<State>,
    }
    let mut state: State = Some(BTreeSet::new());
    // The function body is an implicit block; branching to it returns.
    let mut frames = vec![Frame {
        is_loop: false,
        is_if: false,
        entry: state.clone(),
        exits: None,
        then_end: None,
    }];
    let branch = |frames: &mut Vec<Frame>, depth: u32, state: &State| {
        let index = frames.len() - 1 - depth as usize;
        let frame = &mut frames[index];
        if !frame.is_loop {
            frame.exits = meet(&frame.exits, state);
        }
    };
    for (at, inst) in insts.iter().enumerate() {
        match inst {
            I::LocalGet(local)
                if *local >= params && state.as_ref().is_some_and(|s| !s.contains(local)) =>
            {
                return Some((at, *local));
            }
            I::LocalSet(local) | I::LocalTee(local) => {
                if let Some(s) = &mut state {
                    s.insert(*local);
                }
            }
            I::Block(_) | I::Loop(_) | I::If(_) => frames.push(Frame {
                is_loop: matches!(inst, I::Loop(_)),
                is_if: matches!(inst, I::If(_)),
                entry: state.clone(),
                exits: None,
                then_end: None,
            }),
            I::Else => {
                let frame = frames.last_mut().expect("an `else` inside an `if`");
                frame.then_end = Some(state.take());
                state = frame.entry.clone();
            }
            I::End => {
                let frame = frames.pop().expect("balanced `end`s");
                if !frame.is_loop {
                    let fallthrough = match (frame.is_if, frame.then_end) {
                        (true, Some(then_end)) => meet(&then_end, &state),
                        (true, None) => meet(&frame.entry, &state),
                        (false, _) => state,
                    };
                    state = meet(&fallthrough, &frame.exits);
                }
            }
            I::Br(depth) => {
                branch(&mut frames, *depth, &state);
                state = None;
            }
            I::BrIf(depth) => branch(&mut frames, *depth, &state),
            I::BrTable(targets, default) => {
                for depth in targets.iter().chain([default]) {
                    branch(&mut frames, *depth, &state);
                }
                state = None;
            }
            I::Return | I::Unreachable => state = None,
            _ => {}
        }
    }
    None
}
