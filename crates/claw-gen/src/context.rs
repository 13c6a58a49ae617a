//! The generator's state: the program being built (types, globals, functions) and the
//! function whose body is being written (scopes, loops, the work estimate, output lines).

use crate::names::Names;
use crate::resource::Resource;
use crate::rng::Rng;
use crate::types::{Int, Ty, Types};
use crate::Config;

/// Roughly how many statement executions one call may cost, counting loops and callees.
/// Far below the fuel the harness allows, so a program never runs out of it.
pub(crate) const WORK_BUDGET: u64 = 40_000;
/// The most that nested loops may multiply one statement's executions.
pub(crate) const MULT_MAX: u64 = 4_096;
/// Lists and strings changed in loops or kept in globals stop growing once this long: the
/// guards that say so (`if xs.len() < 48 { … }`) are part of the generated code.
pub(crate) const HEAP_CAP: u32 = 48;
/// How many rounds a loop over a list or string of unknown length counts for. Such a value
/// may exceed [`HEAP_CAP`] by one concatenation, but arguments are short, so this is
/// generous.
pub(crate) const UNKNOWN_LEN: u64 = 64;
/// The deepest a recursive helper goes.
pub(crate) const MAX_REC_DEPTH: i64 = 12;

/// A variable in scope: a parameter, a local, a pattern binding, or a global.
#[derive(Clone, Debug)]
pub(crate) struct Var {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) ty: Ty,
    pub(crate) mutable: bool,
    pub(crate) global: bool,
    /// A loop counter: only its loop's own step may change it.
    pub(crate) counter: bool,
    /// Declared `let x = 5;` with a type other than the default, and not used yet: its
    /// first use must be one where the checker expects `ty`, which pins it (see
    /// `check/expr.rs`), so until then it is only used where a type is expected.
    pub(crate) soft: bool,
    /// The soft variables whose types are one: a `let y = x + 1;` from a soft `x` shares
    /// `x`'s open type, so a use that pins either pins both. The id of the first of them.
    pub(crate) soft_group: u32,
    /// Declared from a literal without annotation and of the default numeric type: the
    /// checker keeps it flexible, so it is not a "typed" operand (see [`crate::expr::Want`]).
    pub(crate) flex: bool,
    /// An immutable list known to have at least this many elements.
    pub(crate) min_len: u32,
    /// Must stay visible under its name (a later `let` may not shadow it).
    pub(crate) keep: bool,
    /// Holds a handle (see [`Ty::has_handle`]) that moved on some path to here: it may not
    /// be read until it is assigned anew.
    pub(crate) moved: bool,
    /// Names a handle someone else owns (a `borrow` parameter, the element of a list a `for`
    /// walks): it may be lent, never moved.
    pub(crate) lent: bool,
    /// How many loops enclose its declaration: the checker lets it move only at that depth,
    /// or where the loop is left right after (see `handles.rs`).
    pub(crate) loops: u32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Rec {
    /// The function the one recursive call goes to (itself, or the other of a pair).
    pub(crate) partner: usize,
    /// The depth parameter's type (it is always the first parameter).
    pub(crate) depth_ty: Int,
}

#[derive(Clone, Debug)]
pub(crate) struct Func {
    pub(crate) name: String,
    pub(crate) params: Vec<(String, Ty)>,
    pub(crate) ret: Option<Ty>,
    pub(crate) exported: bool,
    pub(crate) rec: Option<Rec>,
    /// Estimated work of one call, known once its body is written.
    pub(crate) cost: u64,
    pub(crate) text: String,
    /// An export that copies its first parameter, changes one copy, and returns both.
    pub(crate) copies: bool,
    /// A root import, `import echo-…: func(x: T) -> T;`, whose host gives back its argument
    /// (see [`crate::Generated`]): calls to it move values of `T` across the boundary twice.
    pub(crate) imported: bool,
    /// A helper that gives back its first parameter, or a value wrapping it (`return xs;`,
    /// `return some(xs);`, a record holding it), so that a caller's later change to the
    /// argument must not show in the result it kept.
    pub(crate) hands_back: bool,
}

/// What an open scope remembers of moves, so that a move (or a new value) inside a block that
/// may not run, or may run again, is seen conservatively after it (see [`Gen::pop_scope`]).
#[derive(Default)]
pub(crate) struct Mark {
    /// The variables moved when the scope opened.
    before: Vec<u32>,
    /// The variables moved on some path inside it.
    inside: Vec<u32>,
}

/// The function being written.
#[derive(Default)]
pub(crate) struct FnState {
    /// Functions below this index may be called (besides a recursive helper's partner).
    pub(crate) callable: usize,
    pub(crate) ret: Option<Ty>,
    pub(crate) scopes: Vec<Vec<Var>>,
    pub(crate) lines: Vec<String>,
    pub(crate) indent: usize,
    pub(crate) loops: u32,
    /// How many times the current statement may run per call of the function.
    pub(crate) mult: u64,
    /// Work so far, and the most it may reach.
    pub(crate) cost: u64,
    pub(crate) budget: u64,
    /// Callee work of the expressions of the statement being built.
    pub(crate) pending: u64,
    /// How many list or string concatenations the current expression may still contain;
    /// one per statement keeps a value from doubling more than once per statement.
    pub(crate) concats: u32,
    /// `(list var, index var)`: `xs[i]` is in bounds (inside `for i in 0..xs.len()`).
    pub(crate) index_pairs: Vec<(u32, u32)>,
    /// Statements this function may still have; blocks need a few.
    pub(crate) stmts_left: u32,
    /// Whether the current access may index a list without knowing it is long enough.
    pub(crate) unsafe_index: bool,
    /// Writing a loop's head (its condition or what it iterates), where `break` and
    /// `continue` must not appear.
    pub(crate) in_head: bool,
    /// The soft variables pinned so far, in order. Expressions are built speculatively and
    /// sometimes thrown away; a pin made by a use that never reaches the program must be
    /// undone (see [`Gen::unpin_since`]), or the variable would later be used as if its
    /// type were settled while the checker still defaults it.
    pub(crate) pinned: Vec<u32>,
    /// The loop depth (as in `loops`) of a loop whose counter steps at the end of its
    /// body, where `continue` is not allowed; 0 if none.
    pub(crate) step_last: u32,
    /// Per open loop, innermost last: its label, if it has one, and whether `continue` may
    /// go to it (not to a loop whose counter steps at the end of its body).
    pub(crate) labels: Vec<(Option<String>, bool)>,
    /// The label `open` gave the loop it just wrote, for `enter_loop` to record.
    pub(crate) pending_label: Option<String>,
    /// Labels made so far in the function, so each is new.
    pub(crate) label_count: u32,
    /// One per scope opened inside the body (see [`Mark`]).
    pub(crate) marks: Vec<Mark>,
    /// Lists of handles a `for` is walking, whose elements are lent to its body: nothing may
    /// change, move or replace them there.
    pub(crate) frozen: Vec<u32>,
}

/// What the map shapes' maps hold: the key type, a key made from a round number (the
/// template's `#`), a `u32` folded from a key, and whether values are strings (else `u32`).
#[derive(Clone)]
pub(crate) struct MapKind {
    pub(crate) key: &'static str,
    pub(crate) make: String,
    pub(crate) fold: fn(&str) -> String,
    pub(crate) strings: bool,
}

impl MapKind {
    pub(crate) fn value(&self) -> &'static str {
        if self.strings {
            "string"
        } else {
            "u32"
        }
    }

    /// A `u32` folded from a value.
    pub(crate) fn value_fold(&self, v: &str) -> String {
        if self.strings {
            format!("{v}.len()")
        } else {
            v.to_string()
        }
    }

    pub(crate) fn key_at(&self, round: &str) -> String {
        self.make.replace('#', round)
    }
}

pub(crate) struct Gen<'c> {
    /// Above 0 while the arguments or elements of a value holding handles are written: a
    /// `?` there could return while a handle made before it is held by nothing
    /// (`lost-by-try`).
    pub(crate) no_try: u32,
    pub(crate) rng: Rng,
    pub(crate) config: &'c Config,
    pub(crate) names: Names,
    pub(crate) types: Types,
    /// The integer and float types this program uses most.
    pub(crate) ints: Vec<Int>,
    pub(crate) floats: Vec<Ty>,
    /// Compound types variables and parameters are drawn from.
    pub(crate) pool: Vec<Ty>,
    pub(crate) globals: Vec<Var>,
    /// A global map the map shapes may change (see `shapes.rs`), and its initializer.
    pub(crate) map_global: Option<(String, MapKind, String)>,
    pub(crate) funcs: Vec<Func>,
    pub(crate) next_var: u32,
    pub(crate) f: FnState,
    /// The inferred counter of the `while` being written, until its condition pins it.
    pub(crate) soft_counter: Option<u32>,
    /// The resource the program implements, for some seeds (see `resource.rs`).
    pub(crate) res: Option<Resource>,
}

impl<'c> Gen<'c> {
    pub(crate) fn new(seed: u64, config: &'c Config) -> Gen<'c> {
        Gen {
            no_try: 0,
            rng: Rng::new(seed),
            config,
            names: Names::default(),
            types: Types::default(),
            ints: Vec::new(),
            floats: Vec::new(),
            pool: Vec::new(),
            globals: Vec::new(),
            map_global: None,
            funcs: Vec::new(),
            next_var: 0,
            f: FnState::default(),
            soft_counter: None,
            res: None,
        }
    }

    pub(crate) fn new_var(&mut self, name: String, ty: Ty, mutable: bool) -> Var {
        self.next_var += 1;
        Var {
            id: self.next_var,
            name,
            ty,
            mutable,
            global: false,
            counter: false,
            soft: false,
            soft_group: self.next_var,
            flex: false,
            min_len: 0,
            keep: false,
            moved: false,
            lent: false,
            loops: self.f.loops,
        }
    }

    /// Brings a variable into the innermost scope.
    pub(crate) fn bind(&mut self, var: Var) {
        self.f.scopes.last_mut().expect("a scope is open").push(var);
    }

    pub(crate) fn push_scope(&mut self) {
        let before = self
            .f
            .scopes
            .iter()
            .flatten()
            .filter(|v| v.moved)
            .map(|v| v.id)
            .collect();
        self.f.scopes.push(Vec::new());
        self.f.marks.push(Mark {
            before,
            inside: Vec::new(),
        });
    }

    /// Closes the innermost scope. A variable of an outer scope that moved inside it, or
    /// had moved when it opened, counts as moved after it: the block may have run
    /// partly, not at all, or more than once, so a new value given inside does not count.
    /// (The checker is as strict: after an `if` it takes a variable moved on either path as
    /// moved.)
    pub(crate) fn pop_scope(&mut self) {
        self.f.scopes.pop();
        if let Some(mark) = self.f.marks.pop() {
            for var in self.f.scopes.iter_mut().flatten() {
                if mark.before.contains(&var.id) || mark.inside.contains(&var.id) {
                    var.moved = true;
                }
            }
        }
    }

    /// Records that the variable `id` moves here.
    pub(crate) fn mark_moved(&mut self, id: u32) {
        for var in self.f.scopes.iter_mut().flatten() {
            if var.id == id {
                var.moved = true;
            }
        }
        self.moved_on_a_way_out(id);
    }

    /// Records that the variable `id` moves on a path that then leaves the enclosing scopes
    /// (`if c { take(h); break; }`): it still holds its handle right after, but the scopes it
    /// leaves count it as moved when they close.
    pub(crate) fn moved_on_a_way_out(&mut self, id: u32) {
        for mark in &mut self.f.marks {
            mark.inside.push(id);
        }
    }

    /// Records that the variable `id` was given a new value.
    pub(crate) fn revive(&mut self, id: u32) {
        for var in self.f.scopes.iter_mut().flatten() {
            if var.id == id {
                var.moved = false;
            }
        }
    }

    /// The variables a name reaches right now: innermost first, shadowed ones left out.
    /// Variables holding handles are left out too: only `handles.rs` reads them, since
    /// reading one may move it.
    pub(crate) fn visible(&self) -> Vec<Var> {
        self.reachable()
            .into_iter()
            .filter(|v| !v.ty.has_handle())
            .collect()
    }

    /// The variables holding handles that a name reaches right now, moved or not.
    pub(crate) fn handle_vars(&self) -> Vec<Var> {
        self.reachable()
            .into_iter()
            .filter(|v| v.ty.has_handle())
            .collect()
    }

    fn reachable(&self) -> Vec<Var> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for scope in self.f.scopes.iter().rev() {
            for var in scope.iter().rev() {
                if seen.insert(var.name.clone()) {
                    out.push(var.clone());
                }
            }
        }
        for var in &self.globals {
            if seen.insert(var.name.clone()) {
                out.push(var.clone());
            }
        }
        out
    }

    /// Marks a group of soft variables (see [`Var::soft_group`]) as used where its type was
    /// expected, so it is pinned. The use
    /// must end up in the program: whoever discards it calls [`Gen::unpin_since`].
    pub(crate) fn pin(&mut self, id: u32) {
        if self.set_soft(id, false) {
            self.f.pinned.push(id);
        }
    }

    /// A point to return to with [`Gen::unpin_since`].
    pub(crate) fn pin_mark(&self) -> usize {
        self.f.pinned.len()
    }

    /// Undoes the pins made since `mark`, whose uses were thrown away.
    pub(crate) fn unpin_since(&mut self, mark: usize) {
        while self.f.pinned.len() > mark {
            let id = self.f.pinned.pop().expect("longer than mark");
            self.set_soft(id, true);
        }
    }

    /// Sets the variable `id`'s softness; returns whether that changed it.
    fn set_soft(&mut self, id: u32, soft: bool) -> bool {
        let mut changed = false;
        for scope in &mut self.f.scopes {
            for var in scope.iter_mut() {
                if var.soft_group == id && var.soft != soft {
                    var.soft = soft;
                    changed = true;
                }
            }
        }
        changed
    }

    /// Writes one line of the body at the current indentation.
    pub(crate) fn line(&mut self, text: impl AsRef<str>) {
        let indent = "    ".repeat(self.f.indent);
        self.f.lines.push(format!("{indent}{}", text.as_ref()));
    }

    /// Starts a statement: expressions built for it add their callees' work to `pending`.
    pub(crate) fn begin_stmt(&mut self) {
        self.f.pending = 0;
        self.f.concats = 1;
    }

    /// Ends a statement: counts it and its callees, times the loops around it.
    pub(crate) fn end_stmt(&mut self) {
        self.f.cost += self.f.mult * (1 + self.f.pending);
        self.f.pending = 0;
    }

    /// Whether work `extra` (per execution of the current statement) still fits.
    pub(crate) fn affordable(&self, extra: u64) -> bool {
        self.f.cost + self.f.mult * (1 + self.f.pending + extra) <= self.f.budget
    }

    /// A new type for a local: mostly from the program's pool, sometimes a scalar.
    pub(crate) fn local_type(&mut self) -> Ty {
        if self.rng.chance(45) || self.pool.is_empty() {
            self.scalar_type()
        } else {
            self.rng.pick(&self.pool).clone()
        }
    }

    pub(crate) fn scalar_type(&mut self) -> Ty {
        match self.rng.weighted(&[40, 8, 10, 6, 10]) {
            0 => Ty::Int(*self.rng.pick(&self.ints)),
            1 if !self.floats.is_empty() => self.rng.pick(&self.floats).clone(),
            2 => Ty::Bool,
            3 => Ty::Char,
            4 => Ty::Str,
            _ => Ty::Int(*self.rng.pick(&self.ints)),
        }
    }

    pub(crate) fn int_type(&mut self) -> Int {
        *self.rng.pick(&self.ints)
    }
}
