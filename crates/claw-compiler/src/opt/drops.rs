//! Drops of moved-out variables: `drop(x)` where every path to it moved `x` out
//! (`take(x)`) since `x` was last written does nothing, since a moved-out variable holds
//! zeros, and goes. Lowering writes such a drop at the end of every scope that owns a
//! handle, so most of them go. The zeroing the take does is then a store no read sees,
//! which code generation removes.
//!
//! The analysis goes forward over the statements with the set of variables known to be
//! moved out. A take counts only where it is always evaluated (not on the right of `&&`,
//! not in a `match` arm); any write of a variable, anywhere in a statement, removes it; a
//! loop starts from the set before it without everything the loop writes.

use std::collections::HashSet;

use claw_syntax::ast::BinaryOp;

use crate::ir::{
    self, Block, Builtin, Cond, Expr, ExprKind, Func, Local, Node, Pat, Place, StmtKind, Var,
};

/// The variables moved out on every path to a point, or `None` where no path reaches it.
type Moved = Option<HashSet<Local>>;

pub fn run(func: &mut Func) {
    block(&mut func.body, &mut Some(HashSet::new()));
}

fn block(stmts: &mut Block, moved: &mut Moved) {
    let mut at = 0;
    while at < stmts.len() {
        if stmt(&mut stmts[at], moved) {
            at += 1;
        } else {
            stmts.remove(at);
        }
    }
}

/// Updates `moved` past the statement; false when the statement is a drop that does
/// nothing.
fn stmt(stmt: &mut ir::Stmt, moved: &mut Moved) -> bool {
    let Some(set) = moved else {
        return true;
    };
    if let StmtKind::Expr(Expr {
        kind: ExprKind::Builtin(Builtin::Drop, args),
        ..
    }) = &stmt.kind
    {
        if let [Expr {
            kind: ExprKind::Read(place) | ExprKind::Take(place),
            ..
        }] = args.as_slice()
        {
            if whole_local(place).is_some_and(|x| set.contains(&x)) {
                return false;
            }
        }
    }
    // An `if` is walked branch by branch, and a jump writes nothing: only the others need
    // their writes collected (a walk of everything under the statement).
    let written = match stmt.kind {
        StmtKind::If { .. } | StmtKind::Break(_) | StmtKind::Continue(_) | StmtKind::Return(_) => {
            HashSet::new()
        }
        _ => writes(stmt),
    };
    match &mut stmt.kind {
        StmtKind::If {
            cond,
            then,
            otherwise,
        } => {
            let value = match cond {
                Cond::Expr(value) | Cond::Let(_, value, _) => &*value,
            };
            takes(value, set);
            // The branches' own writes are seen by walking them; the condition's are here.
            let mut in_cond = HashSet::new();
            ir::walk_expr(value, &mut |node| note_write(node, &mut in_cond));
            set.retain(|x| !in_cond.contains(x));
            if let Cond::Let(pat, ..) = cond {
                for x in bound(pat) {
                    set.remove(&x);
                }
            }
            let mut a = moved.clone();
            block(then, &mut a);
            let mut b = moved.clone();
            block(otherwise, &mut b);
            *moved = meet(a, b);
        }
        StmtKind::Loop { body, step, .. } => {
            set.retain(|x| !written.contains(x));
            // Every round starts with at least what was moved before the loop and is not
            // written in it; so does the code after it.
            block(body, &mut moved.clone());
            block(step, &mut moved.clone());
        }
        StmtKind::Break(_) | StmtKind::Continue(_) | StmtKind::Return(_) => *moved = None,
        StmtKind::Let(_, value) | StmtKind::Expr(value) => {
            takes(value, set);
            set.retain(|x| !written.contains(x));
        }
        StmtKind::Assign { place, value, .. } | StmtKind::Compound { place, value, .. } => {
            takes(value, set);
            place_takes(place, set);
            set.retain(|x| !written.contains(x));
        }
    }
    true
}

fn meet(a: Moved, b: Moved) -> Moved {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(a.intersection(&b).copied().collect()),
    }
}

fn whole_local(place: &Place) -> Option<Local> {
    match place.root {
        Var::Local(x) if place.path.is_empty() => Some(x),
        _ => None,
    }
}

/// Adds the variables `expr` always moves out whole.
fn takes(expr: &Expr, set: &mut HashSet<Local>) {
    match &expr.kind {
        ExprKind::Take(place) => {
            place_takes(place, set);
            if let Some(x) = whole_local(place) {
                set.insert(x);
            }
        }
        ExprKind::Read(place) => place_takes(place, set),
        ExprKind::Const(_) | ExprKind::Unreachable => {}
        ExprKind::Own(_, value)
        | ExprKind::Field(value, _)
        | ExprKind::Unary(_, value)
        | ExprKind::Cast(value)
        | ExprKind::Try(value)
        | ExprKind::Check(value, _) => takes(value, set),
        ExprKind::Index { list, index, .. } => {
            takes(list, set);
            takes(index, set);
        }
        ExprKind::Call(_, items)
        | ExprKind::List(items)
        | ExprKind::Tuple(items)
        | ExprKind::Builtin(_, items) => items.iter().for_each(|e| takes(e, set)),
        ExprKind::Case(_, payload) => {
            if let Some(payload) = payload {
                takes(payload, set);
            }
        }
        ExprKind::Record(fields) => fields.iter().for_each(|(_, e)| takes(e, set)),
        ExprKind::Binary(op, lhs, rhs) => {
            takes(lhs, set);
            if !matches!(op, BinaryOp::And | BinaryOp::Or) {
                takes(rhs, set);
            }
        }
        // The arms run one at a time, or not at all.
        ExprKind::Match(scrutinee, ..) => takes(scrutinee, set),
        ExprKind::Push(_, at, value) => {
            if let Some(at) = at.expr() {
                takes(at, set);
            }
            takes(value, set);
        }
        ExprKind::Pop(_, at) => {
            if let Some(at) = at.expr() {
                takes(at, set);
            }
        }
    }
}

fn place_takes(place: &Place, set: &mut HashSet<Local>) {
    for step in &place.path {
        if let ir::Step::Index(index, _) = step {
            takes(index, set);
        }
    }
}

/// Every variable the statement writes or binds, in any of its parts.
fn writes(stmt: &ir::Stmt) -> HashSet<Local> {
    let mut out = HashSet::new();
    ir::walk(std::slice::from_ref(stmt), &mut |node| {
        note_write(node, &mut out)
    });
    out
}

/// Adds the variable a statement, expression or pattern writes or binds, if any.
fn note_write(node: Node, out: &mut HashSet<Local>) {
    let written = match node {
        Node::Stmt(stmt) => match &stmt.kind {
            StmtKind::Let(x, _) => Some(Var::Local(*x)),
            StmtKind::Assign { place, .. } | StmtKind::Compound { place, .. } => Some(place.root),
            _ => None,
        },
        Node::Expr(expr) => match &expr.kind {
            ExprKind::Push(place, ..) | ExprKind::Pop(place, _) => Some(place.root),
            _ => None,
        },
        Node::Pat(Pat::Bind(x)) => Some(Var::Local(*x)),
        Node::Pat(_) => None,
    };
    if let Some(Var::Local(x)) = written {
        out.insert(x);
    }
}

/// The variables a pattern binds.
fn bound(pat: &Pat) -> Vec<Local> {
    match pat {
        Pat::Bind(x) => vec![*x],
        Pat::Case(_, Some(payload)) => bound(payload),
        Pat::Tuple(items) | Pat::Or(items) => items.iter().flat_map(bound).collect(),
        _ => Vec::new(),
    }
}
