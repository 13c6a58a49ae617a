//! Self tail calls as loops. `return f(args)` inside `f` sets the parameters and goes round
//! a loop around the body instead of calling. The accumulator form, `return e op f(args)`
//! with `op` one of `+ * & | ^` on integers (associative and commutative, wrapping included),
//! adds `e` into an accumulator, and every other `return v` returns `acc op v`: so
//! `fib(n - 1) + fib(n - 2)` makes one call per level, as LLVM's pass does. Only the right
//! operand is taken as the tail call, so `e` is still evaluated before the call's arguments
//! and body, as the source orders them; it joins the accumulator after the arguments, which
//! may return.

use claw_syntax::ast::BinaryOp;

use crate::ir::{self, Block, Const, Expr, ExprKind, Func, Local, Place, Stmt, StmtKind, Var};
use crate::program::FuncId;
use crate::types::{TypeId, Types};

pub fn run(func: &mut Func, id: FuncId, types: &Types) {
    let accumulate = func
        .result
        .filter(|&ty| types.int_shape(ty).is_some())
        .and_then(|_| accumulator_op(&func.body, id));
    let mut found = false;
    scan(&func.body, id, accumulate, &mut found);
    if !found {
        return;
    }
    let acc = accumulate.map(|op| {
        let ty = func.result.expect("an accumulator is for a result");
        (op, ir::add_local(&mut func.locals, "%acc", ty), ty)
    });
    let at = func.body.first().map_or(0, |s| s.at);
    let mut body = std::mem::take(&mut func.body);
    let mut rewriter = Rewriter {
        id,
        params: func.params.clone(),
        locals: &mut func.locals,
        acc,
    };
    rewriter.block(&mut body, 0);
    if func.result.is_none() {
        // Falling off the end of the body returns; it must not go round again.
        body.push(Stmt {
            kind: StmtKind::Return(None),
            at,
        });
    }
    let mut out = Vec::new();
    if let Some((op, local, ty)) = acc {
        let identity = match op {
            BinaryOp::Mul => 1,
            BinaryOp::BitAnd => -1,
            _ => 0,
        };
        let shape = types.int_shape(ty).expect("an integer result");
        let value = Expr::new(
            ty,
            ExprKind::Const(Const::Int(ir::eval::wrap(shape, identity))),
        );
        out.push(Stmt {
            kind: StmtKind::Let(local, value),
            at,
        });
    }
    out.push(Stmt {
        kind: StmtKind::Loop {
            cond: None,
            body,
            step: Vec::new(),
        },
        at,
    });
    func.body = out;
}

/// The operator every accumulating tail call in `block` uses, if they all use the same one.
fn accumulator_op(block: &Block, id: FuncId) -> Option<BinaryOp> {
    let mut ops = Vec::new();
    ir::walk(block, &mut |node| {
        if let ir::Node::Stmt(Stmt {
            kind: StmtKind::Return(Some(value)),
            ..
        }) = node
        {
            if let Some(op) = accumulating(value, id) {
                ops.push(op);
            }
        }
    });
    let first = *ops.first()?;
    ops.iter().all(|&op| op == first).then_some(first)
}

/// `e op f(args)` with an operator an accumulator can collect.
fn accumulating(value: &Expr, id: FuncId) -> Option<BinaryOp> {
    match &value.kind {
        ExprKind::Binary(
            op @ (BinaryOp::Add
            | BinaryOp::Mul
            | BinaryOp::BitAnd
            | BinaryOp::BitOr
            | BinaryOp::BitXor),
            _,
            rhs,
        ) if matches!(rhs.kind, ExprKind::Call(callee, _) if callee == id) => Some(*op),
        _ => None,
    }
}

/// Whether some `return` in `block` is a tail call the rewrite turns into a loop.
fn scan(block: &Block, id: FuncId, accumulate: Option<BinaryOp>, found: &mut bool) {
    ir::walk(block, &mut |node| {
        if let ir::Node::Stmt(Stmt {
            kind: StmtKind::Return(Some(value)),
            ..
        }) = node
        {
            *found |= matches!(value.kind, ExprKind::Call(callee, _) if callee == id)
                || accumulate.is_some() && accumulating(value, id) == accumulate;
        }
    });
}

struct Rewriter<'a> {
    id: FuncId,
    params: Vec<Local>,
    locals: &'a mut Vec<ir::LocalDef>,
    acc: Option<(BinaryOp, Local, TypeId)>,
}

impl Rewriter<'_> {
    /// Rewrites the returns in `block`, which is inside `loops` loops of the body.
    fn block(&mut self, block: &mut Block, loops: u32) {
        let mut out = Vec::with_capacity(block.len());
        for mut stmt in block.drain(..) {
            match &mut stmt.kind {
                StmtKind::If {
                    then, otherwise, ..
                } => {
                    self.block(then, loops);
                    self.block(otherwise, loops);
                }
                StmtKind::Loop { body, step, .. } => {
                    self.block(body, loops + 1);
                    self.block(step, loops + 1);
                }
                _ => {}
            }
            ir::arm_blocks_mut(&mut stmt, &mut |arm| self.block(arm, loops));
            let at = stmt.at;
            match stmt.kind {
                StmtKind::Return(Some(value)) => self.ret(value, loops, at, &mut out),
                kind => out.push(Stmt { kind, at }),
            }
        }
        *block = out;
    }

    fn ret(&mut self, value: Expr, loops: u32, at: u32, out: &mut Block) {
        let stmt = |kind| Stmt { kind, at };
        let accumulating = self
            .acc
            .filter(|&(op, _, _)| accumulating(&value, self.id) == Some(op));
        // Where an argument may return, `e` goes into the accumulator only once the arguments
        // are evaluated: such a `return` leaves this call before `e` is combined with its
        // result.
        let mut collect = None;
        let args = match (value.kind, accumulating) {
            (ExprKind::Call(callee, args), _) if callee == self.id => args,
            (ExprKind::Binary(_, lhs, rhs), Some((op, acc, ty))) => {
                let returns = match &rhs.kind {
                    ExprKind::Call(_, args) => args.iter().any(may_return),
                    _ => false,
                };
                let lhs = if lhs.constant().is_some() || !returns {
                    *lhs
                } else {
                    // Evaluated first all the same, as the source orders it.
                    let temp = ir::add_local(self.locals, "%lhs", ty);
                    out.push(stmt(StmtKind::Let(temp, *lhs)));
                    Expr::read_local(temp, ty)
                };
                let kind = StmtKind::Compound {
                    place: Place::local(acc, ty),
                    op,
                    value: lhs,
                    own: ir::Own::Keep,
                    release: false,
                };
                if returns {
                    collect = Some(kind);
                } else {
                    out.push(stmt(kind));
                }
                let ExprKind::Call(_, args) = rhs.kind else {
                    unreachable!("an accumulating return ends in the call")
                };
                args
            }
            (kind, _) => {
                let value = Expr { ty: value.ty, kind };
                let value = match self.acc {
                    Some((op, acc, ty)) => Expr::new(
                        ty,
                        ExprKind::Binary(op, Box::new(Expr::read_local(acc, ty)), Box::new(value)),
                    ),
                    _ => value,
                };
                out.push(stmt(StmtKind::Return(Some(value))));
                return;
            }
        };
        // Every argument is evaluated before any parameter changes.
        let mut temps = Vec::new();
        for (&param, arg) in self.params.iter().zip(args) {
            let ty = arg.ty;
            if matches!(&arg.kind, ExprKind::Read(p) if p.root == Var::Local(param) && p.path.is_empty())
            {
                continue;
            }
            let temp = ir::add_local(self.locals, "%arg", ty);
            out.push(stmt(StmtKind::Let(temp, arg)));
            temps.push((param, temp, ty));
        }
        if let Some(collect) = collect {
            out.push(stmt(collect));
        }
        for (param, temp, ty) in temps {
            out.push(stmt(StmtKind::set_local(param, Expr::read_local(temp, ty))));
        }
        out.push(stmt(StmtKind::Continue(loops)));
    }
}

/// Whether evaluating `expr` may leave the function: a `return` in a `match` arm, or `?`.
fn may_return(expr: &Expr) -> bool {
    let mut found = false;
    ir::walk_expr(expr, &mut |node| {
        found |= matches!(
            node,
            ir::Node::Stmt(Stmt {
                kind: StmtKind::Return(_),
                ..
            }) | ir::Node::Expr(Expr {
                kind: ExprKind::Try(_),
                ..
            })
        );
    });
    found
}
