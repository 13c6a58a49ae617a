//! Bounds-check elimination, where a loop's own test proves the index is below the length:
//!
//! - `while i < xs.len() { … xs[i] … }` and `if i < xs.len() { … xs[i] … }`: in the
//!   statements of the body up to the first one that could change `i` or the length of `xs`
//!   (a `push`, `pop`, or a new value for `xs`);
//! - `i < xs.len() && … xs[i] …`: on the right of the `&&`, when it can change nothing;
//! - `for i in 0..xs.len() { … xs[i] … }`: anywhere in the body, when nothing in the loop
//!   changes the length of `xs` (the bound is computed once, before the first round), since
//!   only the loop's step changes `i`.
//!
//! The length may also be known from how the list was made: after
//! `let mut xs = []; for _ in 0..n { … xs.push(…); … }` (one `push` per round, and no way
//! out of the round before it) `xs` has `n` elements, so `i < n` proves `xs[i]` as
//! `i < xs.len()` would, for as long as neither `n` nor the length of `xs` changes. A `u64`
//! index compared with a `u32` bound (`j < n as u64`) proves `xs[j as u32]`.
//!
//! `i` and `xs` must be locals, which nothing but the function's own statements can change.

use crate::ir::{self, Block, Builtin, Expr, ExprKind, Local, Place, Stmt, StmtKind, Var};
use crate::types::TypeId;
use claw_syntax::ast::BinaryOp;

pub fn run(block: &mut Block) {
    run_with(block, &[]);
    ir::walk_mut(block, &mut |expr| {
        if let ExprKind::Binary(BinaryOp::And, lhs, rhs) = &mut expr.kind {
            if let Some((i, Bound::Len(xs))) = test(lhs) {
                if !mutates(rhs) {
                    unchecked_in(rhs, i, xs);
                }
            }
        }
    });
}

/// Whether evaluating `expr` may change a local or a list's length: it holds statements
/// (a `match`'s arms) or pushes to or pops from a list.
fn mutates(expr: &Expr) -> bool {
    let mut found = false;
    ir::walk_expr(expr, &mut |node| {
        if let ir::Node::Expr(e) = node {
            found |= matches!(
                e.kind,
                ExprKind::Match(..) | ExprKind::Push(..) | ExprKind::Pop(..)
            );
        }
    });
    found
}

/// A list whose length is a local's value: `xs.len() == n`.
#[derive(Clone, Copy, PartialEq)]
struct Length {
    list: Local,
    count: Local,
}

/// `known`: lengths that hold when `block` starts.
fn run_with(block: &mut Block, known: &[Length]) {
    let mut known = known.to_vec();
    // Lists known to be empty, for spotting a loop that fills one.
    let mut empty: Vec<Local> = Vec::new();
    // The bound of a `for` over a range is a `let` before the loop: `let last = xs.len();`.
    let mut bounds: Vec<(Local, Local)> = Vec::new();
    for k in 0..block.len() {
        // A `for` copies its bound into a local first: `let %last = n;`.
        let copied = match k.checked_sub(1).map(|j| &block[j].kind) {
            Some(StmtKind::Let(last, value)) => whole_local(value).map(|count| (*last, count)),
            _ => None,
        };
        let copy_of = |last: Local| copied.filter(|c| c.0 == last).map(|c| c.1);
        let filled = fill(&block[..k], &block[k], &empty);
        let stmt = &mut block[k];
        match &mut stmt.kind {
            StmtKind::Loop { cond, body, step } => {
                match cond.as_ref().and_then(test) {
                    Some((i, Bound::Len(xs))) => prefix(body, i, xs),
                    Some((i, Bound::Local(last))) => {
                        let counted: Vec<Local> = known
                            .iter()
                            .filter(|l| l.count == last || Some(l.count) == copy_of(last))
                            .map(|l| l.list)
                            .collect();
                        let sized = bounds.iter().filter(|(l, _)| *l == last).map(|b| b.1);
                        for xs in sized.chain(counted.iter().copied()) {
                            let steady = !changes(body, i.local, xs)
                                && !changes_len(step, xs)
                                && !assigns(body, last)
                                && !assigns(step, last);
                            if steady {
                                body.iter_mut().for_each(|stmt| unchecked(stmt, i, xs));
                            } else if counted.contains(&xs) {
                                // A `while` whose body moves `i` itself.
                                prefix(body, i, xs);
                            }
                        }
                    }
                    None => {}
                }
                // What holds on entry holds in every round if the loop changes none of it.
                let inner: Vec<Length> = known
                    .iter()
                    .copied()
                    .filter(|l| !changes(body, l.count, l.list) && !changes(step, l.count, l.list))
                    .collect();
                run_with(body, &inner);
                run_with(step, &inner);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                if let ir::Cond::Expr(cond) = cond {
                    if let Some((i, Bound::Len(xs))) = test(cond) {
                        prefix(then, i, xs);
                    }
                }
                run_with(then, &known);
                run_with(otherwise, &known);
            }
            _ => {}
        }
        ir::arm_blocks_mut(stmt, &mut |arm| run_with(arm, &known));
        let stmt = std::slice::from_ref(&block[k]);
        known.retain(|l| !changes(stmt, l.count, l.list));
        empty.retain(|&xs| !changes_len(stmt, xs));
        known.extend(filled);
        if let StmtKind::Let(local, value) = &block[k].kind {
            if is_empty_list(value) {
                empty.push(*local);
            }
            if let Some(xs) = len_of(value) {
                bounds.push((*local, xs));
            }
        }
    }
}

/// The length `stmt` gives an empty list, if it is a loop that pushes onto it once a round
/// for `n` rounds: `let i = 0; let last = n; while i < last { … xs.push(…); … } step { i =
/// i + 1; }`, with no `break`, `continue` or `return` in the body, which changes none of
/// `i`, `last` and `n`, and pushes to or pops from `xs` nowhere else.
fn fill(before: &[Stmt], stmt: &Stmt, empty: &[Local]) -> Vec<Length> {
    let StmtKind::Loop {
        cond: Some(cond),
        body,
        step,
    } = &stmt.kind
    else {
        return Vec::new();
    };
    let Some((i, Bound::Local(last))) = test(cond) else {
        return Vec::new();
    };
    let [.., start, bound] = before else {
        return Vec::new();
    };
    let count = match (&start.kind, &bound.kind) {
        (StmtKind::Let(l, zero), StmtKind::Let(b, value))
            if *l == i.local && *b == last && is_zero(zero) && !i.narrowed =>
        {
            match whole_local(value) {
                Some(count) => count,
                None => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    let counts_up = matches!(step.as_slice(), [Stmt { kind: StmtKind::Assign { place, value, .. }, .. }]
        if place.root == Var::Local(i.local) && place.path.is_empty() && is_increment(value, i.local));
    let moved = assigns(body, i.local) || assigns(body, last) || assigns(body, count);
    if !counts_up || moved || leaves(body) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &xs in empty {
        let once = body.iter().any(|stmt| {
            matches!(&stmt.kind, StmtKind::Expr(Expr { kind: ExprKind::Push(place, slot, _), .. })
                if place.root == Var::Local(xs) && place.path.is_empty()
                    && !matches!(slot, ir::Slot::Key(_)))
        });
        if once && length_changes(body, xs) == 1 && !assigns(body, xs) {
            out.push(Length { list: xs, count });
        }
    }
    out
}

fn is_zero(expr: &Expr) -> bool {
    matches!(expr.kind, ExprKind::Const(ir::Const::Int(0)))
}

fn is_empty_list(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Const(ir::Const::List(items)) => items.is_empty(),
        ExprKind::List(items) => items.is_empty(),
        _ => false,
    }
}

/// `i + 1`.
fn is_increment(expr: &Expr, i: Local) -> bool {
    matches!(&expr.kind, ExprKind::Binary(BinaryOp::Add, a, b)
        if whole_local(a) == Some(i) && matches!(b.kind, ExprKind::Const(ir::Const::Int(1))))
}

/// Whether something in `block` may leave a round early: `break`, `continue` or `return`.
fn leaves(block: &[Stmt]) -> bool {
    let mut found = false;
    ir::walk(block, &mut |node| {
        if let ir::Node::Stmt(stmt) = node {
            found |= matches!(
                stmt.kind,
                StmtKind::Break(_) | StmtKind::Continue(_) | StmtKind::Return(_)
            );
        }
    });
    found
}

/// How many `push`es and `pop`s on the list in `xs` there are in `block`.
fn length_changes(block: &[Stmt], xs: Local) -> usize {
    let mut count = 0;
    ir::walk(block, &mut |node| {
        if let ir::Node::Expr(Expr {
            kind: ExprKind::Push(place, ..) | ExprKind::Pop(place, _) | ExprKind::Take(place),
            ..
        }) = node
        {
            count += usize::from(place.root == Var::Local(xs) && place.path.is_empty());
        }
    });
    count
}

/// Drops the checks of `xs[i]` in the statements of `block` before the first that could
/// change `i` or the length of `xs`.
fn prefix(block: &mut Block, i: Index, xs: Local) {
    for stmt in block.iter_mut() {
        if changes(std::slice::from_ref(stmt), i.local, xs) {
            break;
        }
        unchecked(stmt, i, xs);
    }
}

enum Bound {
    /// `i < xs.len()`
    Len(Local),
    /// `i < last`, for a local `last`.
    Local(Local),
}

/// The index a test bounds: `i`, or `i as u32` for a `u64` local compared with a `u32`
/// bound widened to `u64`.
#[derive(Clone, Copy)]
struct Index {
    local: Local,
    narrowed: bool,
}

/// `i < bound` with `i` a `u32` local, or `j < n as u64` with `j` a `u64` local and `n` a
/// `u32` one.
fn test(cond: &Expr) -> Option<(Index, Bound)> {
    let ExprKind::Binary(BinaryOp::Lt, lhs, rhs) = &cond.kind else {
        return None;
    };
    let local = whole_local(lhs)?;
    if lhs.ty == TypeId::U64 {
        let ExprKind::Cast(narrow) = &rhs.kind else {
            return None;
        };
        let bound = whole_local(narrow).filter(|_| narrow.ty == TypeId::U32)?;
        let i = Index {
            local,
            narrowed: true,
        };
        return Some((i, Bound::Local(bound)));
    }
    if lhs.ty != TypeId::U32 {
        return None;
    }
    let i = Index {
        local,
        narrowed: false,
    };
    if let Some(xs) = len_of(rhs) {
        return Some((i, Bound::Len(xs)));
    }
    Some((i, Bound::Local(whole_local(rhs)?)))
}

/// `xs.len()` of a local list `xs`.
fn len_of(expr: &Expr) -> Option<Local> {
    match &expr.kind {
        ExprKind::Builtin(Builtin::Len, args) => {
            let xs = whole_local(&args[0])?;
            matches!(expr.ty, TypeId::U32)
                .then_some(xs)
                .filter(|_| is_list(&args[0]))
        }
        _ => None,
    }
}

fn is_list(expr: &Expr) -> bool {
    matches!(&expr.kind, ExprKind::Read(place) if place.ty != TypeId::STRING)
}

/// The local a whole-value read names.
fn whole_local(expr: &Expr) -> Option<Local> {
    match &expr.kind {
        ExprKind::Read(Place {
            root: Var::Local(local),
            path,
            ..
        }) if path.is_empty() => Some(*local),
        _ => None,
    }
}

/// Whether something in `block` may change `i`, or the length of `xs`.
fn changes(block: &[Stmt], i: Local, xs: Local) -> bool {
    assigns(block, i) || changes_len(block, xs)
}

/// Whether something in `block` gives `local` a new value.
fn assigns(block: &[Stmt], local: Local) -> bool {
    let mut found = false;
    ir::walk(block, &mut |node| {
        if let ir::Node::Stmt(stmt) = node {
            match &stmt.kind {
                StmtKind::Assign { place, .. } | StmtKind::Compound { place, .. } => {
                    found |= place.root == Var::Local(local) && place.path.is_empty();
                }
                StmtKind::Let(l, _) => found |= *l == local,
                _ => {}
            }
        }
    });
    found
}

/// Whether something in `block` may change the length of the list in `xs`.
fn changes_len(block: &[Stmt], xs: Local) -> bool {
    let mut found = assigns(block, xs);
    ir::walk(block, &mut |node| {
        if let ir::Node::Expr(Expr {
            kind: ExprKind::Push(place, ..) | ExprKind::Pop(place, _) | ExprKind::Take(place),
            ..
        }) = node
        {
            found |= place.root == Var::Local(xs) && place.path.is_empty();
        }
    });
    found
}

/// Marks every `xs[i]` in `stmt` as needing no bounds check.
fn unchecked(stmt: &mut Stmt, i: Index, xs: Local) {
    walk_places(stmt, &mut checked_off(i, xs));
}

fn unchecked_in(expr: &mut Expr, i: Index, xs: Local) {
    let mut place = checked_off(i, xs);
    ir::walk_expr_mut(expr, &mut |expr| {
        if let ExprKind::Read(read) = &mut expr.kind {
            place(read)
        }
    });
}

/// Marks `xs[i]` in a place as needing no bounds check.
fn checked_off(i: Index, xs: Local) -> impl FnMut(&mut Place) {
    move |place: &mut Place| {
        if place.root != Var::Local(xs) {
            return;
        }
        if let Some(ir::Step::Index(index, checked)) = place.path.first_mut() {
            let local = match &index.kind {
                ExprKind::Cast(inner) if i.narrowed && index.ty == TypeId::U32 => {
                    whole_local(inner)
                }
                _ if !i.narrowed => whole_local(index),
                _ => None,
            };
            if local == Some(i.local) {
                *checked = false;
            }
        }
    }
}

/// Calls `f` on every place inside `stmt`, nested blocks included: those read, pushed to or
/// popped from, and the targets of assignments.
fn walk_places(stmt: &mut Stmt, f: &mut impl FnMut(&mut Place)) {
    let block = std::slice::from_mut(stmt);
    ir::walk_mut(block, &mut |expr| match &mut expr.kind {
        ExprKind::Read(place)
        | ExprKind::Pop(place, _)
        | ExprKind::Take(place)
        | ExprKind::Push(place, ..) => f(place),
        _ => {}
    });
    ir::walk_stmts_mut(block, &mut |stmt| match &mut stmt.kind {
        StmtKind::Assign { place, .. } | StmtKind::Compound { place, .. } => f(place),
        _ => {}
    });
}
