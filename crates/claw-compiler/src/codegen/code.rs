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
        // A rewrite can make another possible where it could not be seen the first time (a
        // block taken apart around a `local.get` that follows a `local.set`, a copy that
        // shows once `x - 0` is `x`): twice round is where more rounds stop paying.
        for _ in 0..2 {
            super::locals::optimize(&mut self.insts, self.params, self.locals.len() as u32);
            let (insts, marks) = peephole(std::mem::take(&mut self.insts), &self.marks);
            self.insts = insts;
            self.marks = marks;
        }
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
/// `nop`s go, and so does code after a branch, a `return` or `unreachable` up to the end of
/// its block; a multiplication by 1 goes; a negated comparison is the opposite one, and a
/// branch on `x != 0` branches on `x`; `local.set x; local.get x` is `local.tee x`, a value
/// stored into a local nothing reads is dropped instead, and a constant or a `local.get`
/// that is dropped at once is not pushed. Each rewrite keeps the stack and every local that
/// is read exactly as they were. The marks (statement starts) move with the instructions
/// they point at.
fn peephole(
    insts: Vec<I<'static>>,
    marks: &[(usize, u32)],
) -> (Vec<I<'static>>, Vec<(usize, u32)>) {
    // How many times each local is read, by index.
    let mut reads: Vec<usize> = Vec::new();
    for inst in &insts {
        if let I::LocalGet(x) = inst {
            let x = *x as usize;
            if reads.len() <= x {
                reads.resize(x + 1, 0);
            }
            reads[x] += 1;
        }
    }
    let mut out: Vec<I<'static>> = Vec::with_capacity(insts.len());
    // Where each instruction's code starts in `out`.
    let mut starts = Vec::with_capacity(insts.len() + 1);
    // Inside code no path reaches: how many blocks deep in it.
    let mut dead: Option<u32> = None;
    // Where the blocks, loops and `if`s still open start in `out`, and whether a branch
    // goes to each one's label.
    let mut open: Vec<(usize, bool)> = Vec::new();
    for inst in insts {
        starts.push(out.len());
        if let Some(depth) = &mut dead {
            match &inst {
                I::Block(_) | I::Loop(_) | I::If(_) => *depth += 1,
                I::End | I::Else if *depth == 0 => dead = None,
                I::End => *depth -= 1,
                _ => {}
            }
            if dead.is_some() {
                if let I::LocalGet(x) = inst {
                    if let Some(count) = reads.get_mut(x as usize) {
                        *count -= 1;
                    }
                }
                continue;
            }
        }
        let mut next = vec![inst];
        while let Some(inst) = next.pop() {
            match (inst, out.last()) {
                (I::Nop, _) => {}
                // `block (X; br_if 0; br n) end`, X pushing a condition and nothing else, is
                // `X; i32.eqz; br_if n-1`.
                (I::End, Some(I::Br(n)))
                    if *n >= 1
                        && open
                            .last()
                            .is_some_and(|&(start, _)| leaves_test(&out, start)) =>
                {
                    let n = *n;
                    let (start, _) = open.pop().expect("checked");
                    out.truncate(out.len() - 2);
                    out.remove(start);
                    for at in starts.iter_mut().rev() {
                        if *at <= start {
                            break;
                        }
                        *at -= 1;
                    }
                    next.extend([I::BrIf(n - 1), I::I32Eqz]);
                }
                // A block no branch leaves is only its contents.
                (I::End, _)
                    if open.last().is_some_and(|&(start, targeted)| {
                        !targeted && matches!(out[start], I::Block(wasm_encoder::BlockType::Empty))
                    }) =>
                {
                    let (start, _) = open.pop().expect("checked");
                    unwrap_block(&mut out, start);
                    for at in starts.iter_mut().rev() {
                        if *at <= start {
                            break;
                        }
                        *at -= 1;
                    }
                }
                // `br_if` and `if` test for nonzero.
                (inst @ (I::BrIf(_) | I::If(_)), Some(I::I32Eqz))
                    if matches!(out.get(out.len().wrapping_sub(2)), Some(I::I32Eqz)) =>
                {
                    out.truncate(out.len() - 2);
                    next.push(inst);
                }
                // Scaling by an element size of 1, an offset of 0, less 0.
                (I::I32Mul, Some(I::I32Const(1)))
                | (I::I32Add | I::I32Sub, Some(I::I32Const(0)))
                | (I::I64Add | I::I64Sub, Some(I::I64Const(0))) => {
                    out.pop();
                }
                (I::I32Eqz, Some(last)) if negated(last).is_some() => {
                    let last = out.pop().expect("matched");
                    next.push(negated(&last).expect("matched"));
                }
                (I::I32Eq, Some(I::I32Const(0))) => {
                    out.pop();
                    next.push(I::I32Eqz);
                }
                (inst @ (I::BrIf(_) | I::If(_)), Some(I::I32Ne))
                    if matches!(out.get(out.len().wrapping_sub(2)), Some(I::I32Const(0))) =>
                {
                    out.truncate(out.len() - 2);
                    next.push(inst);
                }
                (I::LocalGet(x), Some(I::LocalSet(y))) if x == *y => {
                    out.pop();
                    let count = reads.get_mut(x as usize).expect("a local.get was counted");
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
                        if let Some(count) = reads.get_mut(a as usize) {
                            *count -= 1;
                        }
                    }
                    out.push(b);
                    out.push(set);
                }
                (I::LocalSet(x), _) if reads.get(x as usize).copied().unwrap_or(0) == 0 => {
                    next.push(I::Drop);
                }
                (I::LocalTee(x), _) if reads.get(x as usize).copied().unwrap_or(0) == 0 => {}
                (I::Drop, Some(I::LocalTee(x))) => {
                    let x = *x;
                    out.pop();
                    next.push(I::LocalSet(x));
                }
                (I::Drop, Some(I::LocalGet(x))) => {
                    let x = *x;
                    out.pop();
                    if let Some(count) = reads.get_mut(x as usize) {
                        *count -= 1;
                    }
                }
                (
                    I::Drop,
                    Some(I::I32Const(_) | I::I64Const(_) | I::F32Const(_) | I::F64Const(_)),
                ) => {
                    out.pop();
                }
                (inst, _) => {
                    match &inst {
                        I::Block(_) | I::Loop(_) | I::If(_) => open.push((out.len(), false)),
                        I::End => {
                            open.pop();
                        }
                        I::Br(d) | I::BrIf(d) => target(&mut open, *d),
                        I::BrTable(targets, default) => {
                            for &d in targets.iter().chain([default]) {
                                target(&mut open, d);
                            }
                        }
                        _ => {}
                    }
                    out.push(inst);
                }
            }
        }
        if matches!(
            out.last(),
            Some(I::Br(_) | I::BrTable(..) | I::Return | I::Unreachable)
        ) {
            dead = Some(0);
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

/// Notes that a branch goes to the label `depth` frames out.
fn target(open: &mut [(usize, bool)], depth: u32) {
    if let Some(index) = open.len().checked_sub(depth as usize + 1) {
        open[index].1 = true;
    }
}

/// Removes the `block` at `start` (its `end` is not pushed yet): branches inside it to
/// labels further out now cross one label less.
fn unwrap_block(out: &mut Vec<I<'static>>, start: usize) {
    out.remove(start);
    let mut depth = 0;
    for inst in &mut out[start..] {
        match inst {
            I::Block(_) | I::Loop(_) | I::If(_) => depth += 1,
            I::End => depth -= 1,
            I::Br(d) | I::BrIf(d) if *d > depth => *d -= 1,
            I::BrTable(targets, default) => {
                let mut new: Vec<u32> = targets.to_vec();
                for d in new.iter_mut().chain(std::iter::once(&mut *default)) {
                    if *d > depth {
                        *d -= 1;
                    }
                }
                *targets = new.into();
            }
            _ => {}
        }
    }
}

/// The integer comparison that holds exactly when `test` does not.
fn negated(test: &I<'static>) -> Option<I<'static>> {
    Some(match test {
        I::I32Eq => I::I32Ne,
        I::I32Ne => I::I32Eq,
        I::I32LtU => I::I32GeU,
        I::I32GeU => I::I32LtU,
        I::I32GtU => I::I32LeU,
        I::I32LeU => I::I32GtU,
        I::I32LtS => I::I32GeS,
        I::I32GeS => I::I32LtS,
        I::I32GtS => I::I32LeS,
        I::I32LeS => I::I32GtS,
        I::I64Eq => I::I64Ne,
        I::I64Ne => I::I64Eq,
        I::I64LtU => I::I64GeU,
        I::I64GeU => I::I64LtU,
        I::I64GtU => I::I64LeU,
        I::I64LeU => I::I64GtU,
        I::I64LtS => I::I64GeS,
        I::I64GeS => I::I64LtS,
        I::I64GtS => I::I64LeS,
        I::I64LeS => I::I64GtS,
        _ => return None,
    })
}

/// Whether `out` from `start` is `block; X; br_if 0; br n` where X, straight-line code,
/// leaves exactly one value (the test) on the block's empty stack.
fn leaves_test(out: &[I<'static>], start: usize) -> bool {
    use wasm_encoder::BlockType;
    let len = out.len();
    if !matches!(out[start], I::Block(BlockType::Empty))
        || len < start + 4
        || !matches!(out[len - 2], I::BrIf(0))
    {
        return false;
    }
    let mut height: i32 = 0;
    for inst in &out[start + 1..len - 2] {
        height += match inst {
            I::LocalGet(_) | I::I32Const(_) | I::I64Const(_) => 1,
            I::LocalTee(_)
            | I::I32Eqz
            | I::I64Eqz
            | I::I32Load(_)
            | I::I32Load8U(_)
            | I::I32Load16U(_) => 0,
            I::LocalSet(_)
            | I::I32Eq
            | I::I32Ne
            | I::I32LtU
            | I::I32GtU
            | I::I32LeU
            | I::I32GeU
            | I::I64Eq
            | I::I64Ne
            | I::I32And
            | I::I32Or
            | I::I32Add
            | I::I32Sub => -1,
            _ => return false,
        };
        if height < 0 {
            return false;
        }
    }
    height == 1
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
