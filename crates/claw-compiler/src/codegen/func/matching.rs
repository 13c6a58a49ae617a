//! `match`, `if let` and `?`: running a decision tree over a value's cases, numbers and
//! strings, and reading payloads out of a variant's shared slots.
//!
//! A `match` is a block per arm, the innermost for the first, with the decision tree
//! inside them all: each leaf branches to the end of its arm's block, where the arm binds
//! its names (no test: the tree has decided), runs, and branches out of the whole. A
//! guard is read inside the tree, with the arm's names bound there for it: when it holds,
//! the branch goes to the arm, which binds them again (binding is naming locals). A tree
//! node is one `br_table` when its outcomes are cases or small numbers, else a test per
//! outcome. An `if let` is the same tree with one arm, whose failure branches to `else`.
//! Arm values go to locals rather than block results, so any type works without multi-value
//! block types.

use wasm_encoder::{BlockType, Instruction as I};

use super::Emitter;
use crate::codegen::runtime::Helper;
use crate::codegen::values::{coerce_from_join, coerce_to_join};
use crate::ir::decision::{part_type, Decision, Part, Path, Test, Trees};
use crate::ir::{self, Expr, Pat};
use crate::types::{TypeDef, TypeId};

/// What a decision tree tests and where its leaves go.
struct Tree {
    /// The label of each guarded arm's guard, by arm.
    guards: Vec<(u32, u32)>,
    /// The scrutinee's type and its first local.
    ty: TypeId,
    value: u32,
    /// The label of arm 0's block; arm `n`'s is `n` blocks further out.
    first_arm: u32,
    /// The label a failure branches to; `None` where the checker proved the arms exhaustive.
    fail: Option<u32>,
}

impl Tree {
    /// The label of guarded arm `arm`'s guard.
    fn guard(&self, arm: u32) -> u32 {
        self.guards
            .iter()
            .find(|&&(guarded, _)| guarded == arm)
            .map(|&(_, label)| label)
            .expect("a guarded arm has a guard block")
    }
}

impl Emitter<'_> {
    /// A `match` of type `ty` (`unit` as a statement, when arm values are dropped).
    ///
    /// A guarded arm has a block of its own inside the arms' blocks (the one of the lowest
    /// guarded arm innermost), which its leaves branch out of: after it comes the guard,
    /// which branches to the arm when it holds, and then the tree of the arms after it,
    /// which may branch on to the guards of later arms, further out.
    pub(super) fn match_expr(
        &mut self,
        ty: TypeId,
        scrutinee: &Expr,
        arms: &[ir::Arm],
        trees: &Trees,
    ) {
        let result = self.flat(ty);
        self.expr(scrutinee);
        let value = self.code.stash(&self.flat(scrutinee.ty));
        let out = self.code.locals(&result);
        self.open(I::Block(BlockType::Empty));
        let done = self.depth;
        for _ in arms {
            self.open(I::Block(BlockType::Empty));
        }
        let first_arm = self.depth;
        let mut guards = Vec::new();
        for &(arm, _) in trees.after.iter().rev() {
            self.open(I::Block(BlockType::Empty));
            guards.push((arm, self.depth));
        }
        let at = Tree {
            guards,
            ty: scrutinee.ty,
            value,
            first_arm,
            fail: None,
        };
        self.decide(&trees.root, &at, &mut Vec::new());
        for (arm, after) in &trees.after {
            self.close();
            let guarded = &arms[*arm as usize];
            let guard = guarded.guard.as_ref().expect("a guarded arm");
            self.bind(&guarded.pat, scrutinee.ty, value);
            self.expr(guard);
            self.code.push(self.br_if(at.first_arm - arm));
            self.decide(after, &at, &mut Vec::new());
        }
        for (index, arm) in arms.iter().enumerate() {
            self.close();
            self.bind(&arm.pat, scrutinee.ty, value);
            self.block(&arm.body);
            if let Some(body) = &arm.value {
                self.expr(body);
                self.code.set(out, result.len());
            }
            // The last arm's block ends where `done` does.
            if index + 1 < arms.len() {
                self.code.push(self.br(done));
            }
        }
        self.close();
        self.code.get(out, result.len());
    }

    /// The head of an `if let`: evaluates `value` and branches to the label at `next` unless
    /// it matches `pat`, binding the pattern's names when it does.
    pub(super) fn if_let(&mut self, pat: &Pat, value: &Expr, tree: &Decision, next: u32) {
        self.expr(value);
        let locals = self.code.stash(&self.flat(value.ty));
        if !matches!(tree, Decision::Arm(_)) {
            self.open(I::Block(BlockType::Empty));
            let at = Tree {
                guards: Vec::new(),
                ty: value.ty,
                value: locals,
                first_arm: self.depth,
                fail: Some(next),
            };
            self.decide(tree, &at, &mut Vec::new());
            self.close();
        }
        self.bind(pat, value.ty, locals);
    }

    /// Code that branches to the arm `tree` picks. `known` holds the parts of the scrutinee
    /// already read into locals on the way to this node.
    fn decide(&mut self, tree: &Decision, at: &Tree, known: &mut Vec<(Path, u32)>) {
        let (path, ty, cases, default) = match tree {
            Decision::Arm(arm) => return self.code.push(self.br(at.first_arm - arm)),
            Decision::Guard(arm) => return self.code.push(self.br(at.guard(*arm))),
            Decision::Fail => {
                return match at.fail {
                    Some(label) => self.code.push(self.br(label)),
                    None => self.code.push(I::Unreachable),
                }
            }
            Decision::Switch {
                path,
                ty,
                cases,
                default,
            } => (path, *ty, cases, default.as_deref()),
        };
        let value = self.part(path, at, known);
        let mark = known.len();
        let outcomes: Vec<&Decision> = cases.iter().map(|(_, next)| next).chain(default).collect();
        if let Some(table) = self.jump_table(ty, cases, default.is_some()) {
            // Outcomes that are all arms (or failures with somewhere to go): the table
            // branches straight to them.
            let direct: Option<Vec<u32>> = table
                .iter()
                .map(|&outcome| target(outcomes[outcome as usize], at).map(|l| self.depth - l))
                .collect();
            if let Some(direct) = direct {
                let (last, rest) = direct.split_last().expect("a table has a default");
                self.code.push(I::LocalGet(value));
                self.code.push(I::BrTable(rest.to_vec().into(), *last));
                return;
            }
            // A block per outcome, the innermost for the first; each outcome's code follows
            // its block's end, and every one ends in a branch.
            for _ in &outcomes {
                self.open(I::Block(BlockType::Empty));
            }
            let (last, rest) = table.split_last().expect("a table has a default");
            self.code.push(I::LocalGet(value));
            self.code.push(I::BrTable(rest.to_vec().into(), *last));
            for next in outcomes {
                self.close();
                self.decide(next, at, known);
                known.truncate(mark);
            }
            return;
        }
        // A test per outcome; when the tests cover every value the last needs none.
        let tested = if default.is_some() {
            cases.len()
        } else {
            cases.len() - 1
        };
        for (test, next) in &cases[..tested] {
            if let Some(label) = target(next, at) {
                // Straight to where the outcome goes when the test passes.
                self.differs(test, ty, value);
                self.code.push(I::I32Eqz);
                self.code.push(self.br_if(label));
                continue;
            }
            self.open(I::Block(BlockType::Empty));
            let skip = self.depth;
            self.differs(test, ty, value);
            self.code.push(self.br_if(skip));
            self.decide(next, at, known);
            known.truncate(mark);
            self.close();
        }
        let last = default.unwrap_or_else(|| &cases[tested].1);
        self.decide(last, at, known);
        known.truncate(mark);
    }

    /// The first local of the part of the scrutinee at `path`, read into locals once on the
    /// way through the tree: a tuple's item is a run of the tuple's locals, a payload is
    /// converted from the case's shared slots.
    fn part(&mut self, path: &[Part], at: &Tree, known: &mut Vec<(Path, u32)>) -> u32 {
        let Some((&last, parent)) = path.split_last() else {
            return at.value;
        };
        if let Some(&(_, local)) = known.iter().find(|(p, _)| p == path) {
            return local;
        }
        let types = self.info.types();
        let parent_ty = parent
            .iter()
            .fold(at.ty, |ty, &part| part_type(types, ty, part));
        let outer = self.part(parent, at, known);
        let local = self.step(last, parent_ty, outer);
        known.push((path.to_vec(), local));
        local
    }

    /// The first local of `part` of a value of type `ty` in locals from `value`.
    fn step(&mut self, part: Part, ty: TypeId, value: u32) -> u32 {
        match part {
            Part::Item(index) => {
                let TypeDef::Tuple(items) = self.info.types().def(ty).clone() else {
                    unreachable!("checked: an item of a tuple")
                };
                let before: usize = items[..index as usize]
                    .iter()
                    .map(|&item| self.flat(item).len())
                    .sum();
                value + before as u32
            }
            Part::Payload(_) => {
                let payload = part_type(self.info.types(), ty, part);
                let all = self.flat(ty);
                let case_flat = self.flat(payload);
                coerce_from_join(&mut self.code, value + 1, &all[1..], &case_flat);
                self.code.stash(&case_flat)
            }
        }
    }

    /// Leaves a nonzero `i32` when the value in locals from `value` fails `test`.
    fn differs(&mut self, test: &Test, ty: TypeId, value: u32) {
        let wide = matches!(self.info.types().def(ty), TypeDef::U64 | TypeDef::S64);
        match test {
            Test::Case(case) => {
                self.code
                    .extend([I::LocalGet(value), I::I32Const(*case as i32), I::I32Ne]);
            }
            Test::Int(v) => {
                self.code.push(I::LocalGet(value));
                self.code.extend(if wide {
                    [I::I64Const(*v as i64), I::I64Ne]
                } else {
                    [I::I32Const(*v as i32), I::I32Ne]
                });
            }
            Test::Char(c) => {
                self.code
                    .extend([I::LocalGet(value), I::I32Const(*c as i32), I::I32Ne]);
            }
            Test::Range(lo, hi) => {
                // In range when `value - lo`, wrapping, is at most `hi - lo` unsigned: one
                // test for signed and unsigned types alike.
                let (min, max) = match self.info.types().int_shape(ty) {
                    Some(shape) => (shape.min(), shape.max()),
                    None => (0, i128::from(u32::from(char::MAX))),
                };
                let (lo, hi) = ((*lo).max(min), (*hi).min(max));
                if lo > hi {
                    // Checked programs have no empty ranges; nothing would pass one.
                    return self.code.push(I::I32Const(1));
                }
                self.code.push(I::LocalGet(value));
                self.code.extend(if wide {
                    [
                        I::I64Const(lo as i64),
                        I::I64Sub,
                        I::I64Const((hi - lo) as i64),
                        I::I64GtU,
                    ]
                } else {
                    [
                        I::I32Const(lo as i32),
                        I::I32Sub,
                        I::I32Const((hi - lo) as i32),
                        I::I32GtU,
                    ]
                });
            }
            Test::Bool(b) => {
                self.code.push(I::LocalGet(value));
                if *b {
                    self.code.push(I::I32Eqz);
                }
            }
            Test::Str(text) => {
                let (at, len) = self.info.string(text);
                self.code.extend([
                    I::LocalGet(value),
                    I::LocalGet(value + 1),
                    I::I32Const(at),
                    I::I32Const(len),
                    I::Call(self.info.helper(Helper::StrEq)),
                    I::I32Eqz,
                ]);
            }
        }
    }

    /// For a node whose outcomes are cases, or small non-negative numbers of a narrow
    /// integer with a default: the outcome each value goes to, the last entry being
    /// `br_table`'s default. `None` where a test per outcome is as good.
    fn jump_table(
        &self,
        ty: TypeId,
        cases: &[(Test, Decision)],
        default: bool,
    ) -> Option<Vec<u32>> {
        let outcomes = cases.len() + usize::from(default);
        if outcomes < 3 {
            return None;
        }
        let otherwise = cases.len() as u32;
        let types = self.info.types();
        let mut table: Vec<Option<u32>> = Vec::new();
        if let Some(count) = types.case_count(ty) {
            table.resize(count, None);
        } else if !(types.int_shape(ty).is_some_and(|shape| !shape.wide()) && default) {
            return None;
        }
        for (index, (test, _)) in cases.iter().enumerate() {
            let slot = match test {
                Test::Case(case) => *case as usize,
                Test::Int(v) if (0..64).contains(v) => *v as usize,
                _ => return None,
            };
            if table.len() <= slot {
                table.resize(slot + 1, None);
            }
            table[slot] = Some(index as u32);
        }
        let mut table: Vec<u32> = table
            .into_iter()
            .map(|slot| slot.or(default.then_some(otherwise)))
            .collect::<Option<_>>()?;
        // Every value past the table goes to the default, or (cases covering every value)
        // to the last outcome.
        table.push(if default { otherwise } else { otherwise - 1 });
        Some(table)
    }

    /// Binds the names in `pat` to the parts of the value in locals from `value` (of type
    /// `ty`), which the decision tree found to match it.
    fn bind(&mut self, pat: &Pat, ty: TypeId, value: u32) {
        match pat {
            Pat::Bind(local) => {
                // Bindings never change, so they can share the tested value's locals.
                self.locals.insert(*local, value);
            }
            Pat::Case(case, Some(payload)) if binds(payload) => {
                let inner = self.step(Part::Payload(*case), ty, value);
                let payload_ty = part_type(self.info.types(), ty, Part::Payload(*case));
                self.bind(payload, payload_ty, inner);
            }
            Pat::Tuple(items) => {
                for (index, item) in items.iter().enumerate() {
                    if binds(item) {
                        let part = Part::Item(index as u32);
                        let inner = self.step(part, ty, value);
                        self.bind(item, part_type(self.info.types(), ty, part), inner);
                    }
                }
            }
            _ => {}
        }
    }

    /// `e?`: the payload of `ok`/`some`, or an early return of `err(e)`/`none`.
    pub(super) fn try_expr(&mut self, inner: &Expr) {
        let types = self.info.types();
        let ty = inner.ty;
        self.expr(inner);
        let all = self.flat(ty);
        let value = self.code.stash(&all);
        let (success, payload) = match types.def(ty).clone() {
            TypeDef::Option(some) => (1, Some(some)),
            TypeDef::Result { ok, .. } => (0, ok),
            _ => unreachable!("checked: `?` on an option or result"),
        };
        let returns = self
            .func
            .result
            .expect("checked: `?` in a function with a result");
        let returns_flat = self.flat(returns);
        self.code.extend([
            I::LocalGet(value),
            I::I32Const(success),
            I::I32Ne,
            I::If(BlockType::Empty),
        ]);
        match types.def(ty).clone() {
            TypeDef::Result { err, .. } => {
                self.code.push(I::I32Const(1));
                match err {
                    Some(err) => {
                        let err_flat = self.flat(err);
                        coerce_from_join(&mut self.code, value + 1, &all[1..], &err_flat);
                        coerce_to_join(&mut self.code, &err_flat, &returns_flat[1..]);
                    }
                    None => self.code.zeros(&returns_flat[1..]),
                }
            }
            _ => {
                self.code.push(I::I32Const(0));
                self.code.zeros(&returns_flat[1..]);
            }
        }
        self.code.extend([I::Return, I::End]);
        if let Some(payload) = payload {
            let payload_flat = self.flat(payload);
            coerce_from_join(&mut self.code, value + 1, &all[1..], &payload_flat);
        }
    }
}

/// Whether a pattern names any part of the value.
fn binds(pat: &Pat) -> bool {
    match pat {
        Pat::Bind(_) => true,
        Pat::Case(_, Some(payload)) => binds(payload),
        Pat::Tuple(items) => items.iter().any(binds),
        _ => false,
    }
}

/// The label an outcome branches to, when it is nothing but a branch.
fn target(next: &Decision, at: &Tree) -> Option<u32> {
    match next {
        Decision::Arm(arm) => Some(at.first_arm - arm),
        Decision::Guard(arm) => Some(at.guard(*arm)),
        Decision::Fail => at.fail,
        Decision::Switch { .. } => None,
    }
}
