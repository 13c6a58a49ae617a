//! Lowering: the checked program (syntax tree plus the checker's tables) to the IR.
//!
//! This is where the decisions about ownership are made, once: a `mut` variable owns the
//! lists and strings in it, which `push` and `+=` change in place, so a value read out of
//! one is copied where it is kept (`Own::Copy`); one stored into a global is persisted, and
//! a global's old value is released. Constants are evaluated here (`constant`),
//! and every `for` becomes a [`ir::StmtKind::Loop`] over a cursor: a range counts, a list and a
//! string walk an index, so a new iterable is a new cursor, not a new loop.
//! Expressions, places and patterns are in `lower/expr`.

mod constant;
mod expr;

use std::collections::HashMap;

use claw_syntax::ast::{self, BinaryOp, ExprKind, StmtKind};

use crate::ir::{self, Block, Cond, Expr, Local, Stmt};
use crate::program::{BodyFacts, Builtin, FuncId, GlobalId, LocalId, Program, Res};
use crate::types::{TypeDef, TypeId};

/// The IR of every function body and global of a checked, error-free program. Each body's
/// syntax and facts are dropped once it is lowered, so the syntax tree and the IR are never
/// both whole in memory.
pub fn lower(program: &mut Program) -> ir::Module {
    // The cursor of a walk over a string's chars reads a char and its width at once.
    let char_step = program
        .types
        .intern(TypeDef::Tuple(vec![TypeId::CHAR, TypeId::U32]));
    let globals = (0..program.globals.len())
        .map(|id| {
            let global = &program.globals[id];
            let body = program.global_body(GlobalId(id as u32));
            global
                .init
                .zip(body)
                .and_then(|(init, (ast, facts))| {
                    constant::constant(&program.types, ast, facts, init, constant::Site::Global)
                })
                // Only programs with errors lack a constant, and they are never lowered.
                .unwrap_or(ir::Const::Bool(false))
        })
        .collect();
    let mut funcs = Vec::with_capacity(program.funcs.len());
    for id in 0..program.funcs.len() {
        let id = FuncId(id as u32);
        funcs.push(lower_func(program, id, char_step));
        program.release_body(id);
    }
    ir::Module { funcs, globals }
}

fn lower_func(program: &Program, id: FuncId, char_step: TypeId) -> Option<ir::Func> {
    let def = &program.funcs[id.0 as usize];
    let (syntax, facts) = program.func_body(id)?;
    let mut lowerer = Lowerer {
        program,
        ast: &syntax.body,
        facts,
        char_step,
        locals: Vec::new(),
        map: HashMap::new(),
        result: def.result,
        scopes: Vec::new(),
        loops: Vec::new(),
    };
    // A function's parameters are its body's first locals, in a scope around its block.
    let params: Vec<Local> = (0..def.params.len())
        .map(|p| lowerer.local(LocalId(p as u32)))
        .collect();
    lowerer.scopes.push(Vec::new());
    for &param in &params {
        lowerer.owns(param);
    }
    let mut body = lowerer.block(&syntax.block);
    lowerer.close_scope(&mut body, syntax.block.span.end);
    Some(ir::Func {
        name: def.name.clone(),
        params,
        result: def.result,
        locals: lowerer.locals,
        body,
    })
}

struct Lowerer<'p> {
    program: &'p Program,
    /// The body being lowered, and what the checker found in it.
    ast: &'p ast::Body,
    facts: &'p BodyFacts,
    char_step: TypeId,
    locals: Vec<ir::LocalDef>,
    /// The IR local of each of the checker's locals.
    map: HashMap<LocalId, Local>,
    /// The function's result type.
    result: Option<TypeId>,
    /// The locals owning handles in each block open at this point, outermost first: what
    /// is dropped where the block ends, and on the way out of it.
    scopes: Vec<Vec<Local>>,
    /// How many scopes were open where each enclosing loop's body starts.
    loops: Vec<usize>,
}

impl Lowerer<'_> {
    /// The IR local for one of the checker's, made on first use.
    fn local(&mut self, id: LocalId) -> Local {
        if let Some(&local) = self.map.get(&id) {
            return local;
        }
        let def = &self.facts.locals[id.0 as usize];
        let local = self.temp(&def.name, def.ty);
        self.locals[local.0 as usize].mutable = def.mutable;
        self.map.insert(id, local);
        local
    }

    /// A fresh local of the lowering's own; its name starts with `%`, which no source
    /// name can.
    fn temp(&mut self, name: &str, ty: TypeId) -> Local {
        ir::add_local(&mut self.locals, name, ty)
    }

    fn read(&self, local: Local) -> Expr {
        Expr::read_local(local, self.locals[local.0 as usize].ty)
    }

    fn block(&mut self, block: &ast::Block) -> Block {
        let mut out = Vec::new();
        self.scopes.push(Vec::new());
        for &stmt in &block.stmts {
            self.stmt(stmt, &mut out);
        }
        self.close_scope(&mut out, block.span.end);
        out
    }

    /// Adds `local` to the innermost scope if its value may own a handle.
    fn owns(&mut self, local: Local) {
        let ty = self.locals[local.0 as usize].ty;
        if self.program.types.contains_own(ty) {
            self.scopes.last_mut().expect("a scope is open").push(local);
        }
    }

    /// Ends the innermost scope: drops what its locals still hold, unless `out` has left.
    fn close_scope(&mut self, out: &mut Block, end: u32) {
        let locals = self.scopes.pop().expect("a scope is open");
        let left = matches!(
            out.last().map(|s| &s.kind),
            Some(ir::StmtKind::Return(_) | ir::StmtKind::Break(_) | ir::StmtKind::Continue(_))
        );
        if !left {
            self.drops(&locals, out, end);
        }
    }

    /// Statements dropping what `locals` hold, the last declared first.
    fn drops(&self, locals: &[Local], out: &mut Block, at: u32) {
        for &local in locals.iter().rev() {
            out.push(Stmt {
                kind: self.discard(self.read(local)),
                at,
            });
        }
    }

    /// `value`, kept in a new local by a statement added to `out`, for code that drops
    /// what `value` may read before the value is used.
    fn keep(&mut self, name: &str, value: Expr, out: &mut Block, at: u32) -> Expr {
        let local = self.temp(name, value.ty);
        out.push(Stmt {
            kind: ir::StmtKind::Let(local, value),
            at,
        });
        self.read(local)
    }

    /// The locals owning handles in the scopes from `from` inward, innermost first.
    fn live_from(&self, from: usize) -> Vec<Local> {
        self.scopes[from..].iter().flatten().copied().collect()
    }

    /// A value evaluated for its effects: what it owns is dropped.
    fn discard(&self, value: Expr) -> ir::StmtKind {
        if self.program.types.contains_own(value.ty) {
            ir::StmtKind::Expr(Expr::new(
                TypeId::UNIT,
                ir::ExprKind::Builtin(ir::Builtin::Drop, vec![value]),
            ))
        } else {
            ir::StmtKind::Expr(value)
        }
    }

    fn stmt(&mut self, id: ast::StmtId, out: &mut Block) {
        let (ast, facts) = (self.ast, self.facts);
        let span = ast.stmts[id].span;
        // Library code has no line in the file: it stays under the caller's statement.
        let at = if span.file == crate::library::LIBRARY_FILE {
            crate::codegen::NO_SOURCE
        } else {
            span.start
        };
        let push = |out: &mut Block, kind| out.push(Stmt { kind, at });
        match &ast.stmts[id].kind {
            StmtKind::Let { init, mutable, .. } => {
                let local = self.local(facts.let_locals[id]);
                let mut value = self.expr(*init);
                if *mutable && !self.fresh(*init) {
                    value = self.own(value, ir::Own::Copy);
                }
                push(out, ir::StmtKind::Let(local, value));
                self.owns(local);
            }
            StmtKind::Assign { place, op, value } => {
                let ty = facts.expr_type(*place);
                if op.is_none() && self.program.types.contains_own(ty) {
                    // The new value first, then the old one is dropped, then replaced.
                    let kept = self.temp("%new", ty);
                    let value = self.expr(*value);
                    push(out, ir::StmtKind::Let(kept, value));
                    let old = self.read_place(*place);
                    push(out, self.discard(old));
                    let global = self.global_root(*place);
                    let mut value = self.read(kept);
                    if global {
                        value = self.own(value, ir::Own::Persist);
                    }
                    let release = global && self.program.types.in_memory(ty);
                    let place = self.place(*place);
                    push(
                        out,
                        ir::StmtKind::Assign {
                            place,
                            value,
                            release,
                        },
                    );
                    return;
                }
                let kind = self.assign(*place, *op, *value);
                push(out, kind);
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let kind = self.if_chain(branches, otherwise.as_ref());
                push(out, kind);
            }
            StmtKind::While { cond, body, .. } => {
                let cond = self.expr(*cond);
                let body = self.loop_body(body, Vec::new());
                push(
                    out,
                    ir::StmtKind::Loop {
                        cond: Some(cond),
                        body,
                        step: Vec::new(),
                    },
                );
            }
            StmtKind::Loop { body, .. } => {
                let body = self.loop_body(body, Vec::new());
                push(
                    out,
                    ir::StmtKind::Loop {
                        cond: None,
                        body,
                        step: Vec::new(),
                    },
                );
            }
            StmtKind::For { iter, body, .. } => self.for_loop(id, *iter, body, at, out),
            StmtKind::Break(_) | StmtKind::Continue(_) => {
                // Every loop it leaves drops the handles its scopes still hold.
                let depth = self.facts.jumps.get(id).copied().unwrap_or(0);
                let target = self.loops.len().checked_sub(1 + depth as usize);
                let scope = target.map_or(0, |t| self.loops[t]);
                let live = self.live_from(scope);
                self.drops(&live, out, at);
                let kind = match ast.stmts[id].kind {
                    StmtKind::Break(_) => ir::StmtKind::Break(depth),
                    _ => ir::StmtKind::Continue(depth),
                };
                push(out, kind);
            }
            StmtKind::Return(value) => {
                // The function's locals die here, so a `mut` one needs no copy.
                let mut value = value.map(|v| {
                    if self.local_path(v) {
                        self.read_place(v)
                    } else {
                        self.expr(v)
                    }
                });
                let live = self.live_from(0);
                if !live.is_empty() {
                    // The value first: it may read what is dropped.
                    value = value.map(|v| self.keep("%result", v, out, at));
                    self.drops(&live, out, at);
                }
                push(out, ir::StmtKind::Return(value));
            }
            StmtKind::Expr(expr) => {
                let inner = ast.unparen(*expr);
                let value = if facts.match_stmts.contains_idx(inner) {
                    self.match_stmt(inner)
                } else {
                    self.expr(*expr)
                };
                push(out, self.discard(value));
            }
        }
    }

    /// A loop's body, after the statements in `first` (a `for` loop's binding).
    fn loop_body(&mut self, body: &ast::Block, mut first: Block) -> Block {
        self.loops.push(self.scopes.len());
        first.extend(self.block(body));
        self.loops.pop();
        first
    }

    /// `if c {…} else if let p = v {…} else {…}` as nested `If`s.
    fn if_chain(
        &mut self,
        branches: &[(ast::ExprId, ast::Block)],
        otherwise: Option<&ast::Block>,
    ) -> ir::StmtKind {
        let ((cond, body), rest) = branches
            .split_first()
            .expect("checked: an `if` has a condition");
        let cond = match &self.ast.exprs[self.ast.unparen(*cond)].kind {
            ExprKind::Let { pat, value } => {
                let value = self.expr(*value);
                let pat = self.pat(*pat);
                let tree = ir::decision::decide(&self.program.types, value.ty, &[&pat]);
                Cond::Let(pat, value, Box::new(tree))
            }
            _ => Cond::Expr(self.expr(*cond)),
        };
        let then = match &cond {
            // The pattern's names are a scope around the block.
            Cond::Let(pat, ..) => {
                let pat = pat.clone();
                self.scopes.push(Vec::new());
                self.bindings(&pat);
                let mut then = self.block(body);
                self.close_scope(&mut then, body.span.end);
                then
            }
            Cond::Expr(_) => self.block(body),
        };
        let otherwise = if rest.is_empty() {
            otherwise.map(|b| self.block(b)).unwrap_or_default()
        } else {
            let at = self.ast.exprs[rest[0].0].span.start;
            vec![Stmt {
                kind: self.if_chain(rest, otherwise),
                at,
            }]
        };
        ir::StmtKind::If {
            cond,
            then,
            otherwise,
        }
    }

    /// `place = value` and `place op= value`.
    fn assign(
        &mut self,
        target: ast::ExprId,
        op: Option<BinaryOp>,
        value: ast::ExprId,
    ) -> ir::StmtKind {
        let types = &self.program.types;
        let ty = self.facts.expr_type(target);
        let global = self.global_root(target);
        let release = global && types.in_memory(ty);
        match op {
            Some(op) => {
                let value = self.operand(value);
                let place = self.place(target);
                let own = if op == BinaryOp::Add && ty == TypeId::STRING {
                    // Appended in place: the place keeps owning its string.
                    ir::Own::Keep
                } else if global {
                    needed(types.in_memory(ty), ir::Own::Persist)
                } else {
                    needed(types.in_memory(ty), ir::Own::Copy)
                };
                ir::StmtKind::Compound {
                    place,
                    op,
                    value,
                    own,
                    release,
                }
            }
            None => {
                let fresh = self.fresh(value);
                let mut value = self.expr(value);
                if global {
                    value = self.own(value, ir::Own::Persist);
                } else if !fresh {
                    value = self.own(value, ir::Own::Copy);
                }
                let place = self.place(target);
                ir::StmtKind::Assign {
                    place,
                    value,
                    release,
                }
            }
        }
    }

    /// `for x in …`: a cursor, a test, the binding at the top of the body, and a step.
    fn for_loop(
        &mut self,
        id: ast::StmtId,
        iter: ast::ExprId,
        body: &ast::Block,
        at: u32,
        out: &mut Block,
    ) {
        let (ast, facts) = (self.ast, self.facts);
        let iter = ast.unparen(iter);
        let binding = self.local(facts.for_locals[id]);
        let ty = facts.locals[facts.for_locals[id].0 as usize].ty;
        let stmt = |kind| Stmt { kind, at };
        let bool_op = |op, a, b| {
            Expr::new(
                TypeId::BOOL,
                ir::ExprKind::Binary(op, Box::new(a), Box::new(b)),
            )
        };
        let add = |ty, a, b| {
            Expr::new(
                ty,
                ir::ExprKind::Binary(BinaryOp::Add, Box::new(a), Box::new(b)),
            )
        };
        if let ExprKind::Range {
            start,
            end,
            inclusive,
        } = &ast.exprs[iter].kind
        {
            // The binding itself is the cursor.
            let start = self.expr(*start);
            out.push(stmt(ir::StmtKind::Let(binding, start)));
            let end = self.expr(*end);
            let last = self.temp("%last", ty);
            out.push(stmt(ir::StmtKind::Let(last, end)));
            let one = Expr::new(ty, ir::ExprKind::Const(ir::Const::Int(1)));
            let mut step = Vec::new();
            let cond = if *inclusive {
                // Stop before stepping past the end: `0..=255u8` must not wrap around.
                let more = self.temp("%more", TypeId::BOOL);
                let first = bool_op(BinaryOp::Le, self.read(binding), self.read(last));
                out.push(stmt(ir::StmtKind::Let(more, first)));
                let again = bool_op(BinaryOp::Ne, self.read(binding), self.read(last));
                step.push(stmt(ir::StmtKind::set_local(more, again)));
                self.read(more)
            } else {
                bool_op(BinaryOp::Lt, self.read(binding), self.read(last))
            };
            let next = add(ty, self.read(binding), one);
            step.push(stmt(ir::StmtKind::set_local(binding, next)));
            let body = self.loop_body(body, Vec::new());
            out.push(stmt(ir::StmtKind::Loop {
                cond: Some(cond),
                body,
                step,
            }));
            return;
        }
        let chars = matches!(facts.expr_res.get(iter), Some(Res::Builtin(Builtin::Chars)));
        let source = match &ast.exprs[iter].kind {
            ExprKind::Method { receiver, .. } if chars => *receiver,
            _ => iter,
        };
        // A list of handles is walked where it is (the checker keeps the body from changing
        // it): a copy would hold the same handles twice.
        let mut value = if self.program.types.contains_own(facts.expr_type(source)) {
            self.operand(source)
        } else {
            self.expr(source)
        };
        // A map walks the list of its entries.
        let entries = self.program.types.as_laid_out(value.ty);
        if entries != value.ty {
            value = Expr::new(entries, ir::ExprKind::Cast(Box::new(value)));
        }
        let seq = self.temp("%seq", value.ty);
        out.push(stmt(ir::StmtKind::Let(seq, value)));
        let index = self.temp("%at", TypeId::U32);
        let zero = Expr::new(TypeId::U32, ir::ExprKind::Const(ir::Const::Int(0)));
        out.push(stmt(ir::StmtKind::Let(index, zero)));
        let len = Expr::new(
            TypeId::U32,
            ir::ExprKind::Builtin(ir::Builtin::Len, vec![self.read(seq)]),
        );
        let cond = bool_op(BinaryOp::Lt, self.read(index), len);
        let mut inner = Vec::new();
        let width = if chars {
            let next = self.temp("%char", self.char_step);
            let char_at = Expr::new(
                self.char_step,
                ir::ExprKind::Builtin(ir::Builtin::CharAt, vec![self.read(seq), self.read(index)]),
            );
            inner.push(stmt(ir::StmtKind::Let(next, char_at)));
            inner.push(stmt(ir::StmtKind::Let(
                binding,
                self.field(next, 0, TypeId::CHAR),
            )));
            self.field(next, 1, TypeId::U32)
        } else {
            // The cursor is below the length: no bounds check.
            let element = ir::Place {
                root: ir::Var::Local(seq),
                path: vec![ir::Step::Index(self.read(index), false)],
                ty,
            };
            inner.push(stmt(ir::StmtKind::Let(
                binding,
                Expr::new(ty, ir::ExprKind::Read(element)),
            )));
            Expr::new(TypeId::U32, ir::ExprKind::Const(ir::Const::Int(1)))
        };
        let inner = self.loop_body(body, inner);
        let next = add(TypeId::U32, self.read(index), width);
        let step = vec![stmt(ir::StmtKind::set_local(index, next))];
        out.push(stmt(ir::StmtKind::Loop {
            cond: Some(cond),
            body: inner,
            step,
        }));
    }

    /// Puts the names a pattern binds in the innermost scope.
    fn bindings(&mut self, pat: &ir::Pat) {
        match pat {
            ir::Pat::Bind(local) => self.owns(*local),
            ir::Pat::Case(_, Some(payload)) => self.bindings(payload),
            ir::Pat::Tuple(items) => items.iter().for_each(|p| self.bindings(p)),
            _ => {}
        }
    }

    /// Field `index` of a tuple in a local, read in place.
    fn field(&self, local: Local, index: u32, ty: TypeId) -> Expr {
        let mut place = ir::Place::local(local, ty);
        place.path.push(ir::Step::Field(index));
        Expr::new(ty, ir::ExprKind::Read(place))
    }

    /// `value`, owned as `own` says if its type needs it.
    fn own(&self, value: Expr, own: ir::Own) -> Expr {
        let types = &self.program.types;
        let needs = own != ir::Own::Keep && types.in_memory(value.ty);
        if !needs {
            return value;
        }
        Expr::new(value.ty, ir::ExprKind::Own(own, Box::new(value)))
    }
}

/// `own` if the type needs it, else [`ir::Own::Keep`].
fn needed(needs: bool, own: ir::Own) -> ir::Own {
    if needs {
        own
    } else {
        ir::Own::Keep
    }
}
