//! Ownership of handles: which reads of a variable move it, and the errors of moving.
//!
//! A value that holds a handle is never copied. Where it is kept (a `let`, an argument, a
//! returned value, an element of a new value, a stored value) it moves, and the variable it
//! came from may not be used again until it is assigned anew. A method's receiver and an
//! argument for a `borrow<T>` parameter are lent, not moved. This pass runs over a checked
//! body, follows every path through it, records the reads that move (lowering turns them
//! into `take`s, which leave nothing behind) and reports what the rules forbid. What a
//! variable still holds when its scope ends is dropped by the code lowering writes, so a
//! variable moved on one path only is handled at run time: a moved variable holds no handle.

use claw_syntax::ast::{self, ArmBody, ExprId, ExprKind, PatId, PatKind, StmtKind};
use claw_syntax::Span;
use la_arena::ArenaMap;

use crate::diagnostics::Diagnostic;
use crate::program::{BodyFacts, Builtin, FuncDef, GlobalDef, PatRes, Res};
use crate::types::{TypeDef, TypeId, Types};

/// Checks the moves of one body, recording in `facts` the reads that move.
pub(super) fn check(
    types: &Types,
    funcs: &[FuncDef],
    globals: &[GlobalDef],
    body: &ast::Body,
    block: &ast::Block,
    facts: &mut BodyFacts,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Most bodies hold no handle at all.
    let any = facts.locals.iter().any(|l| types.contains_handle(l.ty))
        || facts.expr_types.values().any(|&t| types.contains_handle(t));
    if !any {
        return;
    }
    let mut walk = Walk {
        types,
        funcs,
        globals,
        body,
        facts,
        diagnostics,
        state: State::new(),
        loops: Vec::new(),
        declared_at: Vec::new(),
        lent: Vec::new(),
        leaving: None,
        lent_now: Vec::new(),
        walked: Vec::new(),
    };
    let params = walk.facts.locals.len();
    walk.declared_at = vec![0; params];
    walk.lent = vec![false; params];
    walk.block(block);
}

/// Where each variable was moved, on some path to here (`None`: it holds its value).
#[derive(Clone)]
struct State {
    moved: Vec<Option<Span>>,
    /// Whether this point can be reached at all.
    live: bool,
}

impl State {
    fn new() -> State {
        State {
            moved: Vec::new(),
            live: true,
        }
    }

    /// The state after one of two paths: moved if moved on either.
    fn join(&mut self, other: &State) {
        if !other.live {
            return;
        }
        if !self.live {
            *self = other.clone();
            return;
        }
        if self.moved.len() < other.moved.len() {
            self.moved.resize(other.moved.len(), None);
        }
        for (mine, theirs) in self.moved.iter_mut().zip(&other.moved) {
            if mine.is_none() {
                *mine = *theirs;
            }
        }
    }
}

struct LoopFrame {
    /// The states at each `break` out of this loop.
    breaks: Vec<State>,
}

/// How an expression's value is used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Kept: a handle in it moves.
    Move,
    /// Lent for a call, or only looked at.
    Look,
}

struct Walk<'a> {
    types: &'a Types,
    funcs: &'a [FuncDef],
    globals: &'a [GlobalDef],
    body: &'a ast::Body,
    facts: &'a mut BodyFacts,
    diagnostics: &'a mut Vec<Diagnostic>,
    state: State,
    loops: Vec<LoopFrame>,
    /// How many loops enclose each variable's declaration.
    declared_at: Vec<usize>,
    /// Variables that name a value someone else owns: a `for` loop's element of a list.
    lent: Vec<bool>,
    /// Inside a `return`'s value, or a block that leaves its loop: a move there cannot be
    /// repeated by the loop: variables declared inside this many loops may move (a `return`
    /// leaves every loop, a `break` the innermost one).
    leaving: Option<usize>,
    /// The variables lent to the call whose arguments are being walked: moving one of them
    /// in the same call would hand the callee a borrow of what it also owns.
    lent_now: Vec<crate::program::LocalId>,
    /// The variables whose lists of handles an enclosing `for` walks, which its body may
    /// not change.
    walked: Vec<crate::program::LocalId>,
}

impl Walk<'_> {
    fn block(&mut self, block: &ast::Block) {
        let before = self.leaving;
        if !self.loops.is_empty() {
            let leaves = match leaves_loop(self.body, &self.facts.jumps, block) {
                Some(true) => Some(0),
                Some(false) => Some(self.loops.len() - 1),
                None => None,
            };
            self.leaving = match (self.leaving, leaves) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        for &stmt in &block.stmts {
            self.stmt(stmt);
        }
        self.leaving = before;
    }

    fn declare(&mut self, local: crate::program::LocalId, lent: bool) {
        let index = local.0 as usize;
        if self.declared_at.len() <= index {
            self.declared_at.resize(index + 1, 0);
            self.lent.resize(index + 1, false);
        }
        self.declared_at[index] = self.loops.len();
        self.lent[index] = lent;
        if let Some(slot) = self.state.moved.get_mut(index) {
            *slot = None;
        }
    }

    fn revive(&mut self, local: crate::program::LocalId) {
        if let Some(slot) = self.state.moved.get_mut(local.0 as usize) {
            *slot = None;
        }
    }

    fn stmt(&mut self, id: ast::StmtId) {
        let body = self.body;
        match &body.stmts[id].kind {
            StmtKind::Let { init, .. } => {
                self.expr(*init, Use::Move);
                if let Some(&local) = self.facts.let_locals.get(id) {
                    self.declare(local, false);
                }
            }
            StmtKind::Assign { place, op, value } => {
                self.expr(*value, Use::Move);
                self.unchanged(*place);
                let target = body.unparen(*place);
                let ty = self.facts.expr_type(target);
                match &body.exprs[target].kind {
                    ExprKind::Path(_) => match self.facts.expr_res.get(target) {
                        Some(&Res::Local(local)) if op.is_none() => self.revive(local),
                        _ => {}
                    },
                    _ => {
                        self.expr(target, Use::Look);
                        if self.types.contains_own(ty) {
                            self.error(
                                Diagnostic::error(
                                    "unsupported-move",
                                    "a handle cannot be stored into part of a value yet",
                                )
                                .at(body.exprs[target].span, "a field or element")
                                .hint("build the whole value anew and assign it to the variable"),
                            );
                        }
                    }
                }
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let mut after = State {
                    moved: Vec::new(),
                    live: false,
                };
                for (cond, block) in branches {
                    self.condition(*cond);
                    let at_cond = self.state.clone();
                    self.block(block);
                    after.join(&self.state);
                    self.state = at_cond;
                }
                if let Some(block) = otherwise {
                    self.block(block);
                }
                after.join(&self.state);
                self.state = after;
            }
            StmtKind::While {
                cond, body: block, ..
            } => {
                self.expr(*cond, Use::Look);
                self.in_loop(block, None);
            }
            StmtKind::Loop { body: block, .. } => self.in_loop(block, None),
            StmtKind::For {
                iter, body: block, ..
            } => {
                self.expr(*iter, Use::Look);
                let binding = self.facts.for_locals.get(id).copied();
                // The list of handles walked stays as it is until the loop ends.
                let walked = self.walked.len();
                if self.types.contains_own(self.facts.expr_type(*iter)) {
                    if let Some(local) = self.root_local(*iter) {
                        self.walked.push(local);
                    }
                }
                self.in_loop(block, binding);
                self.walked.truncate(walked);
            }
            StmtKind::Break(_) => {
                let state = self.state.clone();
                let depth = self.facts.jumps.get(id).copied().unwrap_or(0) as usize;
                if let Some(target) = self.loops.len().checked_sub(1 + depth) {
                    self.loops[target].breaks.push(state);
                }
                self.state.live = false;
            }
            StmtKind::Continue(_) => self.state.live = false,
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    let before = self.leaving;
                    self.leaving = Some(0);
                    self.expr(*value, Use::Move);
                    self.leaving = before;
                }
                self.state.live = false;
            }
            StmtKind::Expr(expr) => self.expr(*expr, Use::Move),
        }
    }

    fn condition(&mut self, cond: ExprId) {
        let cond = self.body.unparen(cond);
        if let ExprKind::Let { pat, value } = &self.body.exprs[cond].kind {
            let ty = self.facts.expr_type(*value);
            self.expr(*value, self.keeps(ty));
            self.pattern(*pat, ty);
            if self.types.contains_own(ty) && self.unmatched_owns(*pat, ty) {
                let span = self.body.pats[*pat].span;
                self.error(
                    Diagnostic::error(
                        "unbound-handle",
                        "a value this pattern does not match may hold a handle, which would be lost",
                    )
                    .at(span, "the other cases are not bound")
                    .hint("use a `match` with an arm that binds each handle"),
                );
            }
        } else {
            self.expr(cond, Use::Look);
        }
    }

    /// How a value of `ty` is used where it is kept.
    fn keeps(&self, ty: TypeId) -> Use {
        if self.types.contains_handle(ty) {
            Use::Move
        } else {
            Use::Look
        }
    }

    fn in_loop(&mut self, block: &ast::Block, binding: Option<crate::program::LocalId>) {
        let entry = self.state.clone();
        self.loops.push(LoopFrame { breaks: Vec::new() });
        if let Some(local) = binding {
            // The element of a list stays the list's: the loop only looks at it.
            self.declare(local, true);
        }
        let before = self.leaving;
        self.leaving = None;
        self.block(block);
        self.leaving = before;
        let frame = self.loops.pop().expect("pushed above");
        let mut after = entry;
        after.join(&self.state);
        for state in &frame.breaks {
            after.join(state);
        }
        self.state = after;
    }

    fn expr(&mut self, id: ExprId, how: Use) {
        let body = self.body;
        let span = body.exprs[id].span;
        let ty = self.facts.expr_type(id);
        if how == Use::Look {
            self.temporary(id);
        }
        match &body.exprs[id].kind {
            ExprKind::Paren(inner) => self.expr(*inner, how),
            ExprKind::Path(_) => match self.facts.expr_res.get(id).copied() {
                Some(Res::Local(local)) => self.use_local(id, local, how),
                Some(Res::Global(global)) if how == Use::Move && self.types.contains_own(ty) => {
                    // Moving out of an option or a list leaves `none` or `[]` behind (a
                    // global is never "moved": other calls see it); nothing else has an
                    // empty value to leave.
                    if matches!(self.types.def(ty), TypeDef::Option(_) | TypeDef::List(_)) {
                        self.facts.moves.insert(id, ());
                        return;
                    }
                    let name = &self.globals[global.0 as usize].name;
                    self.error(
                        Diagnostic::error(
                            "move-out-of-global",
                            format!("cannot move the handle in global `{name}`"),
                        )
                        .at(span, "moved here")
                        .note("only an `option` or a `list` global can be moved out of: it is left `none` or `[]`")
                        .hint("make the global an `option`, and take the handle with `match`"),
                    );
                }
                _ => {}
            },
            ExprKind::Field { base, .. } | ExprKind::Index { base, .. } => {
                if how == Use::Move && self.types.contains_handle(ty) {
                    self.error(
                        Diagnostic::error(
                            "move-out-of-place",
                            "cannot move a handle out of a field or an element",
                        )
                        .at(span, "moved from here")
                        .hint("move the whole value, or take it apart with `match`"),
                    );
                }
                // A field through a handle that nothing keeps would lose the handle.
                if self.types.resource(self.facts.expr_type(*base)).is_some() {
                    // Lent only while the field is read.
                    let lent = self.lent_now.len();
                    self.lend(*base);
                    self.lent_now.truncate(lent);
                } else {
                    self.expr(*base, Use::Look);
                }
                if let ExprKind::Index { index, .. } = &body.exprs[id].kind {
                    self.expr(*index, Use::Look);
                }
            }
            ExprKind::Call { args, .. } => match self.facts.expr_res.get(id).copied() {
                Some(Res::Func(func)) => {
                    let params = self.funcs[func.0 as usize].param_types.clone();
                    let lent = self.lent_now.len();
                    self.arguments(args, &params);
                    self.lent_now.truncate(lent);
                }
                Some(Res::Builtin(Builtin::Drop)) => {
                    for &arg in args {
                        self.expr(arg, Use::Move);
                    }
                }
                _ => {
                    for &arg in args {
                        self.expr(arg, Use::Move);
                    }
                }
            },
            ExprKind::Method { receiver, args, .. } => match self.facts.expr_res.get(id).copied() {
                Some(Res::Func(func)) => {
                    let params = self.funcs[func.0 as usize].param_types.clone();
                    let lent = self.lent_now.len();
                    self.lend(*receiver);
                    self.arguments(args, &params[1..]);
                    self.lent_now.truncate(lent);
                }
                other => {
                    if matches!(
                        other,
                        Some(Res::Builtin(
                            Builtin::Push | Builtin::Pop | Builtin::Insert | Builtin::Remove
                        ))
                    ) {
                        self.unchanged(*receiver);
                    }
                    self.expr(*receiver, Use::Look);
                    for &arg in args {
                        self.expr(arg, Use::Move);
                    }
                }
            },
            ExprKind::List(items) | ExprKind::Tuple(items) => self.elements(items),
            ExprKind::Map(entries) => {
                let items: Vec<ExprId> = entries.iter().flat_map(|(k, v)| [*k, *v]).collect();
                self.elements(&items);
            }
            ExprKind::Record(fields) | ExprKind::New { fields, .. } => {
                let values: Vec<ExprId> = fields.iter().map(|f| f.1).collect();
                self.elements(&values);
            }
            ExprKind::Match { scrutinee, arms } => {
                let scrutinee_ty = self.facts.expr_type(*scrutinee);
                self.expr(*scrutinee, self.keeps(scrutinee_ty));
                let start = self.state.clone();
                let mut after = State {
                    moved: Vec::new(),
                    live: false,
                };
                for arm in arms {
                    self.state = start.clone();
                    self.pattern(arm.pat, scrutinee_ty);
                    if let Some(guard) = arm.guard {
                        self.guard(guard);
                    }
                    match &arm.body {
                        ArmBody::Expr(value) => self.expr(*value, how),
                        ArmBody::Block(block) => self.block(block),
                    }
                    after.join(&self.state);
                }
                self.state = after;
                if arms.is_empty() {
                    self.state = start;
                }
            }
            ExprKind::Let { value, .. } => self.expr(*value, Use::Look),
            ExprKind::Try(inner) => self.expr(*inner, Use::Move),
            ExprKind::Check { cond } => self.expr(*cond, Use::Look),
            ExprKind::Format(parts) => {
                for part in parts {
                    if let ast::FormatPart::Expr(value) = part {
                        self.expr(*value, Use::Look);
                    }
                }
            }
            ExprKind::Unary { operand, .. } => self.expr(*operand, Use::Look),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(*lhs, Use::Look);
                self.expr(*rhs, Use::Look);
            }
            ExprKind::Cast { expr, .. } => self.expr(*expr, Use::Look),
            ExprKind::Range { start, end, .. } => {
                self.expr(*start, Use::Look);
                self.expr(*end, Use::Look);
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Char(_)
            | ExprKind::Bool(_)
            | ExprKind::Flags(_)
            | ExprKind::Error => {}
        }
    }

    /// Arguments for parameters of `params`: a `borrow<T>` is lent, anything else kept.
    fn arguments(&mut self, args: &[ExprId], params: &[TypeId]) {
        let mut made = false;
        for (index, &arg) in args.iter().enumerate() {
            self.lost_by_try(arg, made);
            let ty = self.facts.expr_type(arg);
            made |= self.place_root(arg).is_none() && self.types.contains_own(ty);
            // A parameter holding borrows and no owned handle only borrows.
            let lent = params
                .get(index)
                .is_some_and(|&p| self.types.contains_handle(p) && !self.types.contains_own(p));
            if lent {
                self.lend(arg);
            } else {
                self.expr(arg, Use::Move);
            }
        }
    }

    /// The elements of a new value, each kept.
    fn elements(&mut self, items: &[ExprId]) {
        let mut made = false;
        for &item in items {
            self.lost_by_try(item, made);
            let ty = self.facts.expr_type(item);
            made |= self.place_root(item).is_none() && self.types.contains_own(ty);
            self.expr(item, Use::Move);
        }
    }

    /// Reports a `?` in `id` when a handle was `made` earlier in the same call or value:
    /// returning there would lose it, since nothing holds it yet.
    fn lost_by_try(&mut self, id: ExprId, made: bool) {
        if !made {
            return;
        }
        if let Some(at) = find_exit(self.body, id) {
            self.error(
                Diagnostic::error(
                    "lost-by-try",
                    "this may leave while a handle made before it is held by nothing",
                )
                .at(at, "may leave here")
                .hint("bind the handle to a variable first: `let h = …;`"),
            );
        }
    }

    /// A handle lent for a call: it must live in a variable, which keeps it afterwards.
    fn lend(&mut self, id: ExprId) {
        if let Some(root) = self.place_root(id) {
            if let Some(&Res::Local(local)) = self.facts.expr_res.get(root) {
                self.lent_now.push(local);
            }
        }
        self.expr(id, Use::Look);
    }

    /// A value only looked at must be in a variable if it owns a handle: a temporary one
    /// would lose it.
    fn temporary(&mut self, id: ExprId) {
        let ty = self.facts.expr_type(id);
        if self.place_root(id).is_none()
            && self.types.contains_own(ty)
            && !matches!(self.body.exprs[id].kind, ExprKind::Paren(_))
        {
            self.error(
                Diagnostic::error(
                    "borrowed-temporary",
                    "the handle in this value would be lost as soon as it is used",
                )
                .at(self.body.exprs[id].span, "used, but nothing keeps it")
                .hint("bind it to a variable first: `let h = …;`, then use `h`"),
            );
        }
    }

    /// The local variable at the root of place `id`, if it is one.
    fn root_local(&self, id: ExprId) -> Option<crate::program::LocalId> {
        match self.facts.expr_res.get(self.place_root(id)?) {
            Some(&Res::Local(local)) => Some(local),
            _ => None,
        }
    }

    /// Reports a change to a list of handles an enclosing `for` walks.
    fn unchanged(&mut self, place: ExprId) {
        let Some(local) = self.root_local(place) else {
            return;
        };
        if self.walked.contains(&local) {
            let name = self.facts.locals[local.0 as usize].name.clone();
            self.error(
                Diagnostic::error(
                    "changed-while-walked",
                    format!("`{name}` changes while a `for` walks its handles"),
                )
                .at(self.body.exprs[place].span, "changed here")
                .hint("collect the changes and make them after the loop"),
            );
        }
    }

    fn place_root(&self, id: ExprId) -> Option<ExprId> {
        crate::program::place_root(self.body, &self.facts.expr_res, id)
    }

    fn use_local(&mut self, id: ExprId, local: crate::program::LocalId, how: Use) {
        let span = self.body.exprs[id].span;
        let index = local.0 as usize;
        let def = &self.facts.locals[index];
        let (name, ty) = (def.name.clone(), def.ty);
        if let Some(Some(moved)) = self.state.moved.get(index) {
            let moved = *moved;
            self.error(
                Diagnostic::error("use-after-move", format!("`{name}` is used after it moved"))
                    .at(span, "used here")
                    .also(moved, "moved here")
                    .note(format!(
                        "`{name}` holds a handle (its type is `{}`), which is never copied",
                        self.types.name(ty)
                    ))
                    .hint("use it before it moves, or give it a new value first"),
            );
            return;
        }
        if how != Use::Move || !self.types.contains_handle(ty) {
            return;
        }
        // A borrow names the handle again for as long as the call lasts; types keep it from
        // going further (no result, global or field can be a borrow).
        if !self.types.contains_own(ty) {
            return;
        }
        if self.lent.get(index).copied().unwrap_or(false) {
            self.error(
                Diagnostic::error("borrow-escapes", format!("`{name}` cannot be kept"))
                    .at(span, "kept here")
                    .note("it is an element of the list the loop walks, which keeps it")
                    .hint("call its methods, or pass it where a `borrow` is expected"),
            );
            return;
        }
        if self.walked.contains(&local) {
            self.error(
                Diagnostic::error(
                    "changed-while-walked",
                    format!("`{name}` moves while a `for` walks its handles"),
                )
                .at(span, "moved here")
                .hint("move it after the loop"),
            );
            return;
        }
        if self.lent_now.contains(&local) {
            self.error(
                Diagnostic::error(
                    "lent-and-moved",
                    format!("`{name}` is lent and moved in the same call"),
                )
                .at(span, "moved here, while lent to the same call")
                .note("the callee would be given a borrow of a handle it also owns")
                .hint("lend it in one call and move it in another"),
            );
            return;
        }
        let declared = self.declared_at.get(index).copied().unwrap_or(0);
        if declared < self.loops.len() && self.leaving.is_none_or(|min| declared < min) {
            self.error(
                Diagnostic::error(
                    "move-in-loop",
                    format!("`{name}` moves inside a loop, but was defined outside it"),
                )
                .at(span, "moved here, on every round")
                .hint("define it inside the loop, or leave the loop (`break`, `return`) right after moving it"),
            );
            return;
        }
        self.facts.moves.insert(id, ());
        if self.state.moved.len() <= index {
            self.state.moved.resize(index + 1, None);
        }
        self.state.moved[index] = Some(span);
    }

    /// A `match` guard only looks: when it fails, the next arm sees the same value, so
    /// nothing may have moved out of it (or out of anything else).
    fn guard(&mut self, guard: ExprId) {
        let before = self.state.moved.clone();
        self.expr(guard, Use::Look);
        for (index, moved) in self.state.moved.iter().enumerate() {
            let Some(span) = *moved else { continue };
            if before.get(index).copied().flatten().is_none() {
                self.diagnostics.push(
                    Diagnostic::error(
                        "move-in-guard",
                        format!(
                            "`{}` is moved in a `match` guard",
                            self.facts.locals[index].name
                        ),
                    )
                    .at(span, "moved here")
                    .note("a guard that fails leaves the value to the next arm")
                    .hint("lend it (a method call or a `borrow` parameter), or move it in the arm"),
                );
            }
        }
    }

    /// Declares a pattern's bindings, and reports a wildcard that would lose a handle.
    fn pattern(&mut self, pat: PatId, ty: TypeId) {
        let body = self.body;
        match &body.pats[pat].kind {
            PatKind::Wildcard => {
                if self.types.contains_own(ty) {
                    self.error(
                        Diagnostic::error(
                            "unbound-handle",
                            "`_` would lose the handle in the value it matches",
                        )
                        .at(body.pats[pat].span, "not bound")
                        .hint("bind it to a name, and `drop` it if it is not needed"),
                    );
                }
            }
            PatKind::Name(_) | PatKind::Case { .. } => match self.facts.pat_res.get(pat).copied() {
                Some(PatRes::Bind(local)) => self.declare(local, false),
                Some(PatRes::Case(case)) => {
                    let payload = self.types.case(ty, case).and_then(|c| c.1);
                    if let (
                        PatKind::Case {
                            payload: Some(sub), ..
                        },
                        Some(payload),
                    ) = (&body.pats[pat].kind, payload)
                    {
                        self.pattern(*sub, payload);
                    }
                }
                None => {}
            },
            PatKind::Tuple(items) => {
                let fields = self.types.fields(ty).unwrap_or_default();
                for (index, &item) in items.iter().enumerate() {
                    if let Some((_, field)) = fields.get(index) {
                        self.pattern(item, *field);
                    }
                }
            }
            // Its alternatives bind nothing.
            PatKind::Int(_)
            | PatKind::Str(_)
            | PatKind::Char(_)
            | PatKind::Bool(_)
            | PatKind::Range { .. }
            | PatKind::Or(_) => {}
        }
    }

    /// Whether a value of `ty` that `pat` does not match may hold an owned handle.
    fn unmatched_owns(&self, pat: PatId, ty: TypeId) -> bool {
        let body = self.body;
        match &body.pats[pat].kind {
            PatKind::Name(_) | PatKind::Case { .. } => match self.facts.pat_res.get(pat).copied() {
                Some(PatRes::Case(case)) => {
                    let cases = self.types.cases(ty).unwrap_or_default();
                    let others = cases.iter().enumerate().any(|(index, (_, payload))| {
                        index as u32 != case && payload.is_some_and(|t| self.types.contains_own(t))
                    });
                    let payload = cases.get(case as usize).and_then(|c| c.1);
                    others
                        || match (&body.pats[pat].kind, payload) {
                            (
                                PatKind::Case {
                                    payload: Some(sub), ..
                                },
                                Some(payload),
                            ) => self.unmatched_owns(*sub, payload),
                            _ => false,
                        }
                }
                _ => false,
            },
            PatKind::Tuple(items) => {
                self.types.contains_own(ty) && items.iter().any(|&item| self.refutable(item))
            }
            PatKind::Wildcard => false,
            PatKind::Or(_) => self.types.contains_own(ty),
            PatKind::Int(_)
            | PatKind::Str(_)
            | PatKind::Char(_)
            | PatKind::Bool(_)
            | PatKind::Range { .. } => false,
        }
    }

    /// Whether some value of the pattern's type does not match it.
    fn refutable(&self, pat: PatId) -> bool {
        match &self.body.pats[pat].kind {
            PatKind::Wildcard => false,
            PatKind::Name(_) | PatKind::Case { .. } => {
                !matches!(self.facts.pat_res.get(pat), Some(PatRes::Bind(_)))
            }
            PatKind::Tuple(items) => items.iter().any(|&item| self.refutable(item)),
            _ => true,
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Whether a block inside a loop leaves it when it ends (its last statement is a `break`
/// or a `return`, and nothing in it goes round again with `continue`), so what moves in
/// it moves once.
/// How a block inside a loop leaves it when it ends: `Some(true)` by `return` (every loop),
/// `Some(false)` by `break` (the innermost), `None` if it may go round again.
fn leaves_loop(
    body: &ast::Body,
    jumps: &ArenaMap<ast::StmtId, u32>,
    block: &ast::Block,
) -> Option<bool> {
    let last = block.stmts.last().copied();
    let leaves = match last.map(|s| (s, &body.stmts[s].kind)) {
        Some((_, StmtKind::Return(_))) => true,
        // A `break` to a loop further out may still leave the loop around that one to go
        // round: it is not counted as leaving.
        Some((id, StmtKind::Break(_))) if jumps.get(id).copied().unwrap_or(0) == 0 => false,
        _ => return None,
    };
    (!continues(body, block.span)).then_some(leaves)
}

/// Whether a `continue` inside `span` (in a nested block or a `match` arm) goes round the
/// loop around it, rather than a loop inside `span`.
fn continues(body: &ast::Body, span: Span) -> bool {
    let inside = |s: Span| s.start >= span.start && s.end <= span.end;
    let loops: Vec<Span> = body
        .stmts
        .values()
        .filter(|s| {
            matches!(
                s.kind,
                StmtKind::While { .. } | StmtKind::Loop { .. } | StmtKind::For { .. }
            ) && inside(s.span)
        })
        .map(|s| s.span)
        .collect();
    body.stmts.values().any(|s| match &s.kind {
        // A labelled one may go round this loop or one around it: counted as continuing.
        StmtKind::Continue(Some(_)) => inside(s.span),
        StmtKind::Continue(None) => {
            inside(s.span)
                && !loops
                    .iter()
                    .any(|l| s.span.start >= l.start && s.span.end <= l.end)
        }
        _ => false,
    })
}

/// Where expression `id` may leave before it is done: a `?`, or a `return`, `break` or
/// `continue` in a `match` arm's block within it.
fn find_exit(body: &ast::Body, id: ExprId) -> Option<Span> {
    let span = body.exprs[id].span;
    let inside = |s: Span| s.start >= span.start && s.end <= span.end;
    let tried = body
        .exprs
        .values()
        .find(|e| matches!(e.kind, ExprKind::Try(_)) && inside(e.span))
        .map(|e| e.span);
    tried.or_else(|| {
        body.stmts
            .values()
            .find(|s| {
                matches!(
                    s.kind,
                    StmtKind::Return(_) | StmtKind::Break(_) | StmtKind::Continue(_)
                ) && inside(s.span)
            })
            .map(|s| s.span)
    })
}
