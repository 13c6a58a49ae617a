//! Copy elision: a list or string copied out of a local that nothing reads afterwards is
//! moved instead. The local's memory then has one holder again, which is all the copy was
//! for. Memory a `mut` local owns has no other live name (what is kept from it is a copy,
//! and a callee that could hand an argument back gets a copy), so the move is unobservable.
//!
//! "Nothing reads afterwards" is decided conservatively, per statement: no later statement
//! of the same block mentions the local, nor of any enclosing block, and every loop around
//! the statement declares the local inside itself (else the next round would read it).

use std::collections::{HashMap, HashSet};

use crate::ir::{self, Block, Expr, ExprKind, Func, Local, Own, StmtKind, Var};
use crate::types::Types;

pub fn run(func: &mut Func, types: &Types) {
    // Only a `mut` local owns its memory alone: an immutable one or a parameter may name
    // memory the caller or another variable still uses.
    let owners: HashSet<Local> = (0..func.locals.len() as u32)
        .map(Local)
        .filter(|l| func.locals[l.0 as usize].mutable && !func.params.contains(l))
        .collect();
    visit(&mut func.body, &|x| !owners.contains(&x));
    shared_strings(func, types);
}

/// An immutable local never needs its own copy of a string: appending in place only ever
/// writes past the end of every string already in the block, so no change to the variable
/// it came from can show through. (A list can change under it, so lists keep theirs.)
fn shared_strings(func: &mut Func, types: &Types) {
    let locals = &func.locals;
    ir::walk_stmts_mut(&mut func.body, &mut |stmt| {
        if let StmtKind::Let(local, value) = &mut stmt.kind {
            if !locals[local.0 as usize].mutable {
                strings_only(value, types);
            }
        }
    });
}

/// Drops the copies in `value` (as a whole, or an item, payload or argument that goes into
/// it whole) of values that hold strings but no lists.
fn strings_only(value: &mut Expr, types: &Types) {
    parts(value, &|copied| !types.contains_list(copied.ty));
}

/// Moves what can be moved in `block`; `live_after(x)` says whether something after the
/// block (or a later round of a loop around it) may read `x`.
fn visit(block: &mut Block, live_after: &dyn Fn(Local) -> bool) {
    let mut last = HashMap::new();
    for (index, stmt) in block.iter().enumerate() {
        for local in mentioned(std::slice::from_ref(stmt)) {
            last.insert(local, index);
        }
    }
    for (index, stmt) in block.iter_mut().enumerate() {
        let later = |x: Local| last.get(&x).is_some_and(|&at| at > index) || live_after(x);
        match &mut stmt.kind {
            StmtKind::Let(_, value) | StmtKind::Return(Some(value)) => elide(value, &later),
            StmtKind::Assign { place, value, .. } => {
                let place_mentions = mentioned_place(place);
                elide(value, &|x| later(x) || place_mentions.contains(&x));
            }
            StmtKind::Expr(Expr {
                kind: ExprKind::Push(place, _, value),
                ..
            }) => {
                let place_mentions = mentioned_place(place);
                elide(value, &|x| later(x) || place_mentions.contains(&x));
            }
            StmtKind::If {
                then, otherwise, ..
            } => {
                visit(then, &later);
                visit(otherwise, &later);
            }
            StmtKind::Loop { cond, body, step } => {
                let declared = declared(body);
                let mut around: HashSet<Local> = mentioned(step);
                if let Some(cond) = cond {
                    around.extend(mentioned_expr(cond));
                }
                let inner = |x: Local| later(x) || !declared.contains(&x) || around.contains(&x);
                visit(body, &inner);
                visit(step, &inner);
            }
            _ => {}
        }
    }
}

/// Drops the copies in `value` of locals that `later` says are dead: `copy(x…)` as the
/// whole value, or as a part that goes into it whole (an item of a tuple, record or list, a
/// payload, an argument), when nothing else in `value` names `x`.
fn elide(value: &mut Expr, later: &dyn Fn(Local) -> bool) {
    let mut counts: HashMap<Local, u32> = HashMap::new();
    ir::walk_expr(value, &mut |node| {
        let mut one = HashSet::new();
        note(node, &mut one);
        for local in one {
            *counts.entry(local).or_default() += 1;
        }
    });
    parts(value, &|copied| match &copied.kind {
        ExprKind::Read(place) => match place.root {
            Var::Local(x) => !later(x) && counts.get(&x).copied().unwrap_or(0) <= 1,
            Var::Global(_) => false,
        },
        _ => false,
    });
}

/// Drops each `copy(…)` in `value` whose copied expression `drop` accepts: the whole value,
/// or an item, payload or argument that goes into it whole.
fn parts(value: &mut Expr, drop: &dyn Fn(&Expr) -> bool) {
    match &mut value.kind {
        ExprKind::Own(Own::Copy, inner) if drop(inner) => {
            let inner = std::mem::replace(&mut **inner, Expr::new(value.ty, ExprKind::Unreachable));
            *value = inner;
        }
        ExprKind::Tuple(items) | ExprKind::List(items) | ExprKind::Call(_, items) => {
            items.iter_mut().for_each(|item| parts(item, drop))
        }
        ExprKind::Record(fields) => fields.iter_mut().for_each(|(_, item)| parts(item, drop)),
        ExprKind::Case(_, Some(payload)) => parts(payload, drop),
        _ => {}
    }
}

/// The locals `let` declares anywhere in `block`.
fn declared(block: &Block) -> HashSet<Local> {
    let mut out = HashSet::new();
    ir::walk(block, &mut |node| {
        if let ir::Node::Stmt(ir::Stmt {
            kind: StmtKind::Let(local, _),
            ..
        }) = node
        {
            out.insert(*local);
        }
    });
    out
}

/// Every local a statement in `block` reads, binds, or writes into.
fn mentioned(block: &[ir::Stmt]) -> HashSet<Local> {
    let mut out = HashSet::new();
    ir::walk(block, &mut |node| note(node, &mut out));
    out
}

fn mentioned_expr(expr: &Expr) -> HashSet<Local> {
    let mut out = HashSet::new();
    ir::walk_expr(expr, &mut |node| note(node, &mut out));
    out
}

/// The locals a place names: its root and those in its indices.
fn mentioned_place(place: &ir::Place) -> HashSet<Local> {
    let mut out = HashSet::new();
    if let Var::Local(local) = place.root {
        out.insert(local);
    }
    for step in &place.path {
        if let ir::Step::Index(index, _) = step {
            out.extend(mentioned_expr(index));
        }
    }
    out
}

fn note(node: ir::Node, out: &mut HashSet<Local>) {
    match node {
        ir::Node::Stmt(stmt) => match &stmt.kind {
            StmtKind::Let(local, _) => {
                out.insert(*local);
            }
            // Replacing the whole value reads nothing of the old one; writing into a part of
            // it writes into its memory, which must not have moved.
            StmtKind::Assign { place, .. } if place.path.is_empty() => {}
            StmtKind::Assign { place, .. } | StmtKind::Compound { place, .. } => {
                if let Var::Local(local) = place.root {
                    out.insert(local);
                }
            }
            _ => {}
        },
        ir::Node::Expr(expr) => match &expr.kind {
            ExprKind::Read(place)
            | ExprKind::Push(place, ..)
            | ExprKind::Pop(place, _)
            | ExprKind::Take(place) => {
                if let Var::Local(local) = place.root {
                    out.insert(local);
                }
            }
            _ => {}
        },
        ir::Node::Pat(ir::Pat::Bind(local)) => {
            out.insert(*local);
        }
        ir::Node::Pat(_) => {}
    }
}
