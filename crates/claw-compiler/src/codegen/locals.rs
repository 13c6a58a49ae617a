//! Two rewrites of a finished body's locals, before the peephole: a copy from one local into
//! another, both written once, is undone by reading the first wherever the second was read
//! (and a local written once with a constant is read as the constant); and a store that no
//! later read can see is dropped. Code generation leaves many of both:
//! values are moved through fresh locals as they pass from one construct to the next, and a
//! handle moved out of a variable is zeroed so that the drop at the end of its scope does
//! nothing, even where nothing reads the variable again.
//!
//! Both rely on what code generation guarantees and debug builds check
//! ([`super::code::read_before_write`]): every local but a parameter is written before it
//! is read on every path. So a local written at one place only holds, wherever it is read,
//! the value that one write gave it, and a copy between two such locals can be read from
//! either. Removed instructions become `nop`s, which the peephole deletes while it moves the
//! line marks.

use wasm_encoder::Instruction as I;

pub fn optimize(insts: &mut [I<'static>], params: u32, locals: u32) {
    let total = (params + locals) as usize;
    // A dead store may be the second write that keeps a copy from being seen as one, and
    // undoing copies leaves more stores dead.
    drop_dead_stores(insts);
    propagate_copies(insts, params, total);
    drop_dead_stores(insts);
}

/// Reads of a local that only ever holds a copy of another read that other.
fn propagate_copies(insts: &mut [I<'static>], params: u32, total: usize) {
    let mut writes = vec![0u32; total];
    for inst in insts.iter() {
        if let I::LocalSet(x) | I::LocalTee(x) = inst {
            writes[*x as usize] += 1;
        }
    }
    // A parameter's one value is the argument; any other local's is its one write.
    let single = |x: u32| writes[x as usize] == u32::from(x >= params);
    let mut source: Vec<Option<u32>> = vec![None; total];
    // Locals written once with a constant: their reads become the constant.
    let mut constant: Vec<Option<I<'static>>> = vec![None; total];
    // What each stack slot pushed since the last instruction that is not a `local.get`,
    // `local.set` or `local.tee` holds: the local it was read from and where.
    let mut stack: Vec<Option<(u32, usize)>> = Vec::new();
    for at in 0..insts.len() {
        match insts[at] {
            I::LocalGet(x) => stack.push(Some((x, at))),
            I::LocalSet(c)
                if at > 0
                    && single(c)
                    && matches!(
                        insts[at - 1],
                        I::I32Const(_) | I::I64Const(_) | I::F32Const(_) | I::F64Const(_)
                    ) =>
            {
                constant[c as usize] = Some(insts[at - 1].clone());
                insts[at - 1] = I::Nop;
                insts[at] = I::Nop;
                stack.clear();
            }
            I::LocalSet(c) => match stack.pop().flatten() {
                Some((a, get)) if a != c && single(a) && single(c) => {
                    source[c as usize] = Some(a);
                    // The slots between the `get` and this `set` were pushed and popped
                    // above it, so both go without disturbing them.
                    insts[get] = I::Nop;
                    insts[at] = I::Nop;
                }
                _ => forget(&mut stack, c),
            },
            I::LocalTee(c) => match stack.last().copied().flatten() {
                Some((a, _)) if a != c && single(a) && single(c) => {
                    source[c as usize] = Some(a);
                    insts[at] = I::Nop;
                }
                _ => {
                    forget(&mut stack, c);
                    if let Some(top) = stack.last_mut() {
                        *top = None;
                    }
                }
            },
            I::Nop => {}
            _ => stack.clear(),
        }
    }
    let resolve = |mut x: u32| {
        // A chain is at most as long as there are locals (it cannot loop: each copy's
        // source was written before it).
        for _ in 0..total {
            match source[x as usize] {
                Some(a) => x = a,
                None => break,
            }
        }
        x
    };
    for inst in insts.iter_mut() {
        if let I::LocalGet(x) = inst {
            let x = resolve(*x);
            *inst = match &constant[x as usize] {
                Some(value) => value.clone(),
                None => I::LocalGet(x),
            };
        }
    }
}

/// After `local` is written, what was read from it earlier no longer stands for it.
fn forget(stack: &mut [Option<(u32, usize)>], local: u32) {
    for slot in stack.iter_mut() {
        if matches!(slot, Some((x, _)) if *x == local) {
            *slot = None;
        }
    }
}

/// A `local.set` whose value no read can see becomes a `drop` (a `local.tee`'s, a `nop`).
/// Liveness is computed backwards over the structured control flow; a loop's start is
/// where its branches go, so its live set is iterated to a fixed point.
fn drop_dead_stores(insts: &mut [I<'static>]) {
    let opener = openers(insts);
    let mut loop_live: Vec<Option<Live>> = vec![None; insts.len()];
    loop {
        let (changed, dead) = liveness(insts, &opener, &mut loop_live);
        if !changed {
            for at in dead {
                insts[at] = match insts[at] {
                    // A constant or a read stored nowhere need not be pushed at all.
                    I::LocalSet(_) if at > 0 && pure_push(&insts[at - 1]) => {
                        insts[at - 1] = I::Nop;
                        I::Nop
                    }
                    I::LocalSet(_) => I::Drop,
                    _ => I::Nop,
                };
            }
            drop_pushes(insts);
            return;
        }
    }
}

/// A constant or a read that is dropped at once (`nop`s between) is not pushed.
fn drop_pushes(insts: &mut [I<'static>]) {
    let mut pushed: Vec<usize> = Vec::new();
    for at in 0..insts.len() {
        match insts[at] {
            I::Nop => {}
            I::Drop => match pushed.pop() {
                Some(push) => {
                    insts[push] = I::Nop;
                    insts[at] = I::Nop;
                }
                None => pushed.clear(),
            },
            ref inst if pure_push(inst) => pushed.push(at),
            _ => pushed.clear(),
        }
    }
}

fn pure_push(inst: &I<'static>) -> bool {
    matches!(
        inst,
        I::LocalGet(_) | I::I32Const(_) | I::I64Const(_) | I::F32Const(_) | I::F64Const(_)
    )
}

/// For each `end` and `else`, the index of the `block`, `loop` or `if` it belongs to.
fn openers(insts: &[I<'static>]) -> Vec<usize> {
    let mut opener = vec![usize::MAX; insts.len()];
    let mut open = Vec::new();
    for (at, inst) in insts.iter().enumerate() {
        match inst {
            I::Block(_) | I::Loop(_) | I::If(_) => open.push(at),
            I::Else => opener[at] = *open.last().expect("an `else` inside an `if`"),
            I::End => opener[at] = open.pop().expect("balanced `end`s"),
            _ => {}
        }
    }
    opener
}

struct Frame {
    /// Live where a branch to this frame's label goes.
    label: Live,
    /// Live just after the frame's `end`.
    after: Live,
    /// For an `if`, live at the start of its `else` branch.
    otherwise: Option<Live>,
}

/// One backward pass: whether a loop's live set grew, and the stores nothing reads.
fn liveness(
    insts: &[I<'static>],
    opener: &[usize],
    loop_live: &mut [Option<Live>],
) -> (bool, Vec<usize>) {
    let empty = Live(Vec::new());
    let mut frames: Vec<Frame> = Vec::new();
    // Frames popped, kept for their sets' memory.
    let mut spare: Vec<Frame> = Vec::new();
    let mut live = Live(Vec::new());
    let mut changed = false;
    let mut dead = Vec::new();
    // Where a branch `depth` frames out goes; past every frame it leaves the function,
    // where no local is read.
    fn label(frames: &[Frame], depth: u32) -> Option<&Live> {
        let index = frames.len().checked_sub(depth as usize + 1)?;
        Some(&frames[index].label)
    }
    for at in (0..insts.len()).rev() {
        match &insts[at] {
            I::End => {
                let start = opener[at];
                let mut frame = spare.pop().unwrap_or(Frame {
                    label: Live(Vec::new()),
                    after: Live(Vec::new()),
                    otherwise: None,
                });
                match insts[start] {
                    I::Loop(_) => frame
                        .label
                        .0
                        .clone_from(&loop_live[start].as_ref().unwrap_or(&empty).0),
                    _ => frame.label.0.clone_from(&live.0),
                }
                frame.after.0.clone_from(&live.0);
                frame.otherwise = None;
                frames.push(frame);
            }
            I::Else => {
                let frame = frames.last_mut().expect("an `else` inside an `if`");
                frame.otherwise = Some(std::mem::replace(&mut live, frame.after.clone()));
            }
            I::Block(_) => spare.extend(frames.pop()),
            I::Loop(_) => {
                spare.extend(frames.pop());
                if loop_live[at].as_ref() != Some(&live) {
                    loop_live[at] = Some(live.clone());
                    changed = true;
                }
            }
            I::If(_) => {
                let frame = frames.pop().expect("balanced `end`s");
                live.union(frame.otherwise.as_ref().unwrap_or(&frame.after));
                spare.push(frame);
            }
            I::Br(depth) => live
                .0
                .clone_from(&label(&frames, *depth).unwrap_or(&empty).0),
            I::BrIf(depth) => live.union(label(&frames, *depth).unwrap_or(&empty)),
            I::BrTable(targets, default) => {
                live.0
                    .clone_from(&label(&frames, *default).unwrap_or(&empty).0);
                for depth in targets.iter() {
                    live.union(label(&frames, *depth).unwrap_or(&empty));
                }
            }
            I::Return | I::Unreachable => live.0.clear(),
            I::LocalGet(x) => live.insert(*x),
            I::LocalSet(x) | I::LocalTee(x) => {
                if !live.contains(*x) {
                    dead.push(at);
                }
                live.remove(*x);
            }
            _ => {}
        }
    }
    (changed, dead)
}

/// A set of locals, kept sorted. Few locals are live at any one point, even in a function
/// with thousands of them (inlining makes such), so the set is as small as that.
#[derive(Clone, PartialEq, Eq)]
struct Live(Vec<u32>);

impl Live {
    fn insert(&mut self, x: u32) {
        if let Err(at) = self.0.binary_search(&x) {
            self.0.insert(at, x);
        }
    }

    fn remove(&mut self, x: u32) {
        if let Ok(at) = self.0.binary_search(&x) {
            self.0.remove(at);
        }
    }

    fn contains(&self, x: u32) -> bool {
        self.0.binary_search(&x).is_ok()
    }

    fn union(&mut self, other: &Live) {
        for &x in &other.0 {
            self.insert(x);
        }
    }
}
