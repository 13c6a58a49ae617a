//! Bounds-check elimination, where a loop's own test proves the index is below the length:
//!
//! - `while i < xs.len() { … xs[i] … }` and `if i < xs.len() { … xs[i] … }`: in the
//!   statements of the body up to the first one that could change `i` or the length of `xs`
//!   (a `push`, `pop`, or a new value for `xs`);
//! - `for i in 0..xs.len() { … xs[i] … }`: anywhere in the body, when nothing in the loop
//!   changes the length of `xs` (the bound is computed once, before the first round), since
//!   only the loop's step changes `i`.
//!
//! `i` and `xs` must be locals, which nothing but the function's own statements can change.

use crate::ir::{self, Block, Builtin, Expr, ExprKind, Local, Place, Stmt, StmtKind, Var};
use crate::types::TypeId;
use claw_syntax::ast::BinaryOp;

pub fn run(block: &mut Block) {
    for k in 0..block.len() {
        // The bound of a `for` over a range is a `let` before the loop.
        let bounds: Vec<(Local, Local)> = block[..k]
            .iter()
            .filter_map(|stmt| match &stmt.kind {
                StmtKind::Let(last, value) => len_of(value).map(|xs| (*last, xs)),
                _ => None,
            })
            .collect();
        let stmt = &mut block[k];
        match &mut stmt.kind {
            StmtKind::Loop { cond, body, step } => {
                match cond.as_ref().and_then(test) {
                    Some((i, Bound::Len(xs))) => prefix(body, i, xs),
                    Some((i, Bound::Local(last))) => {
                        if let Some(&(_, xs)) = bounds.iter().find(|(l, _)| *l == last) {
                            let steady = !changes(body, i, xs)
                                && !changes_len(step, xs)
                                && !assigns(body, last)
                                && !assigns(step, last);
                            if steady {
                                body.iter_mut().for_each(|stmt| unchecked(stmt, i, xs));
                            }
                        }
                    }
                    None => {}
                }
                run(body);
                run(step);
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
                run(then);
                run(otherwise);
            }
            _ => {}
        }
        ir::arm_blocks_mut(stmt, &mut |arm| run(arm));
    }
}

/// Drops the checks of `xs[i]` in the statements of `block` before the first that could
/// change `i` or the length of `xs`.
fn prefix(block: &mut Block, i: Local, xs: Local) {
    for stmt in block.iter_mut() {
        if changes(std::slice::from_ref(stmt), i, xs) {
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

/// `i < bound` with `i` a `u32` local.
fn test(cond: &Expr) -> Option<(Local, Bound)> {
    let ExprKind::Binary(BinaryOp::Lt, lhs, rhs) = &cond.kind else {
        return None;
    };
    let i = whole_local(lhs).filter(|_| lhs.ty == TypeId::U32)?;
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
            kind: ExprKind::Push(place, _) | ExprKind::Pop(place),
            ..
        }) = node
        {
            found |= place.root == Var::Local(xs) && place.path.is_empty();
        }
    });
    found
}

/// Marks every `xs[i]` in `stmt` as needing no bounds check.
fn unchecked(stmt: &mut Stmt, i: Local, xs: Local) {
    let mut place = |place: &mut Place| {
        if place.root != Var::Local(xs) {
            return;
        }
        if let Some(ir::Step::Index(index, checked)) = place.path.first_mut() {
            if whole_local(index) == Some(i) {
                *checked = false;
            }
        }
    };
    walk_places(stmt, &mut place);
}

/// Calls `f` on every place inside `stmt`, nested blocks included: those read, pushed to or
/// popped from, and the targets of assignments.
fn walk_places(stmt: &mut Stmt, f: &mut impl FnMut(&mut Place)) {
    let block = std::slice::from_mut(stmt);
    ir::walk_mut(block, &mut |expr| match &mut expr.kind {
        ExprKind::Read(place) | ExprKind::Pop(place) | ExprKind::Push(place, _) => f(place),
        _ => {}
    });
    ir::walk_stmts_mut(block, &mut |stmt| match &mut stmt.kind {
        StmtKind::Assign { place, .. } | StmtKind::Compound { place, .. } => f(place),
        _ => {}
    });
}
