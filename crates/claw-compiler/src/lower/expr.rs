//! Expressions, places and patterns.
//!
//! An expression is lowered in one of two ways: as a value that is kept (`expr`: a value read
//! out of a `mut` variable is copied, as `push` and element assignment change the lists in
//! it in place) or as an operand that is only looked at (`operand`: no copy).

use claw_syntax::ast::{self, ArmBody, BinaryOp, ExprId, ExprKind, PatKind};

use super::constant::{constant, Site};
use super::Lowerer;
use crate::ir::{self, Expr, ExprKind as K};
use crate::program::{Builtin, FuncId, FuncKind, PatRes, Res};
use crate::types::{TypeDef, TypeId};

impl Lowerer<'_> {
    /// A value that is kept.
    pub(super) fn expr(&mut self, id: ExprId) -> Expr {
        let program = self.program;
        let (ast, facts) = (self.ast, self.facts);
        let ty = facts.expr_type(id);
        if let Some(value) = constant(&program.types, ast, facts, id, Site::Top) {
            return Expr::new(ty, K::Const(value));
        }
        let kind = match &ast.exprs[id].kind {
            ExprKind::Paren(inner) => {
                let value = self.expr(*inner);
                if value.ty == ty {
                    return value;
                }
                // `(5)` where a `tuple<u8>` is expected: WAVE's one-element tuple.
                K::Tuple(vec![value])
            }
            ExprKind::Index { .. } if ast.slice(id).is_some() => {
                let (base, start, end, inclusive) = ast.slice(id).expect("a slice");
                let args = vec![self.operand(base), self.expr(start), self.expr(end)];
                let slice = Expr::new(ty, K::Builtin(ir::Builtin::Slice { inclusive }, args));
                // A slice copies its elements' bytes; elements that hold lists or strings
                // would still share them with a `mut` base, which may change them in place.
                let nested = match program.types.def(ty) {
                    TypeDef::List(elem) => program.types.in_memory(*elem),
                    _ => false,
                };
                return if nested && self.place_root(base).is_some() && self.mutable_root(base) {
                    self.own(slice, ir::Own::Copy)
                } else {
                    slice
                };
            }
            // A string's byte: an element of its bytes, which share its representation.
            ExprKind::Index { base, index }
                if facts.expr_res.get(id) == Some(&Res::Builtin(Builtin::Byte)) =>
            {
                let bytes = program
                    .types
                    .find(&TypeDef::List(TypeId::U8))
                    .expect("checked: `list<u8>` is interned for a string's byte");
                let list = Expr::new(bytes, K::Cast(Box::new(self.operand(*base))));
                K::Index {
                    list: Box::new(list),
                    index: Box::new(self.expr(*index)),
                    checked: true,
                }
            }
            ExprKind::Index { base, index }
                if facts.expr_res.get(id) == Some(&Res::Builtin(Builtin::Lookup)) =>
            {
                // The key first, then the map: read in place, the map must not change after.
                let key = self.expr(*index);
                K::Builtin(ir::Builtin::MapLookup, vec![key, self.operand(*base)])
            }
            ExprKind::Path(_) | ExprKind::Field { .. } | ExprKind::Index { .. } => {
                if facts.moves.contains_idx(id) {
                    let place = self.place(id);
                    return Expr::new(ty, K::Take(place));
                }
                if self.place_root(id).is_some() {
                    let value = self.read_place(id);
                    return if self.mutable_root(id) {
                        self.own(value, ir::Own::Copy)
                    } else {
                        value
                    };
                }
                return self.projection(id);
            }
            ExprKind::Call { args, .. } => match facts.expr_res.get(id) {
                Some(Res::Func(func)) => K::Call(*func, self.call_args(*func, args)),
                Some(Res::Case { case, .. }) => K::Case(*case, Some(Box::new(self.expr(args[0])))),
                Some(Res::Builtin(Builtin::Print { newline })) => K::Builtin(
                    ir::Builtin::Print { newline: *newline },
                    vec![self.operand(args[0])],
                ),
                Some(Res::Builtin(Builtin::Drop)) => {
                    K::Builtin(ir::Builtin::Drop, vec![self.expr(args[0])])
                }
                // The `ok` string is the bytes themselves: they must not be a `mut` list's,
                // which could change under it.
                Some(Res::Builtin(Builtin::FromUtf8)) => {
                    K::Builtin(ir::Builtin::FromUtf8, vec![self.expr(args[0])])
                }
                Some(Res::Builtin(Builtin::FromBits)) => {
                    K::Builtin(ir::Builtin::Reinterpret, vec![self.operand(args[0])])
                }
                _ => K::Unreachable,
            },
            ExprKind::Method { receiver, args, .. } => match facts.expr_res.get(id) {
                // A resource's method: the handle is lent as its first argument.
                Some(Res::Func(func))
                    if program.types.resource(facts.expr_type(*receiver)).is_some() =>
                {
                    let receiver = self.operand(*receiver);
                    let mut all = vec![self.lend(receiver)];
                    all.extend(self.call_args(*func, args));
                    K::Call(*func, all)
                }
                // A library's method: the receiver is its first argument.
                Some(Res::Func(func)) => {
                    let mut all = vec![*receiver];
                    all.extend(args);
                    K::Call(*func, self.call_args(*func, &all))
                }
                Some(Res::Builtin(Builtin::Float(op))) => {
                    let mut operands = vec![self.operand(*receiver)];
                    operands.extend(args.iter().map(|&arg| self.operand(arg)));
                    K::Builtin(ir::Builtin::Float(*op), operands)
                }
                Some(Res::Builtin(Builtin::Len)) => {
                    K::Builtin(ir::Builtin::Len, vec![self.operand(*receiver)])
                }
                Some(Res::Builtin(Builtin::ToBits)) => {
                    K::Builtin(ir::Builtin::Reinterpret, vec![self.operand(*receiver)])
                }
                Some(Res::Builtin(Builtin::ToString)) => {
                    let operand = self.operand(*receiver);
                    self.text_of(operand)
                }
                // A string and a `list<u8>` have one representation; the result is not
                // fresh (`fresh`), so a `mut` variable keeping it gets a copy of its own.
                Some(Res::Builtin(Builtin::Bytes)) => K::Cast(Box::new(self.operand(*receiver))),
                Some(Res::Builtin(builtin @ (Builtin::Get | Builtin::ContainsKey))) => {
                    // The key first, then the map, which is read in place.
                    let key = self.expr(args[0]);
                    let args = vec![key, self.operand(*receiver)];
                    let builtin = match builtin {
                        Builtin::Get => ir::Builtin::MapGet,
                        _ => ir::Builtin::MapHas,
                    };
                    K::Builtin(builtin, args)
                }
                Some(Res::Builtin(builtin @ (Builtin::Push | Builtin::Insert))) => {
                    let map = self.is_map(*receiver);
                    // The index and the element are evaluated before the place, as in an
                    // assignment. A map keeps its key as it keeps the value.
                    let (at, value) = match builtin {
                        Builtin::Insert if map => (
                            ir::Slot::Key(Box::new(self.kept(*receiver, args[0]))),
                            args[1],
                        ),
                        Builtin::Insert => (ir::Slot::At(Box::new(self.expr(args[0]))), args[1]),
                        _ => (ir::Slot::End, args[0]),
                    };
                    let value = self.kept(*receiver, value);
                    K::Push(self.place(*receiver), at, Box::new(value))
                }
                Some(Res::Builtin(Builtin::Pop)) => K::Pop(self.place(*receiver), ir::Slot::End),
                Some(Res::Builtin(Builtin::Remove)) => {
                    let at = Box::new(self.expr(args[0]));
                    let slot = match self.is_map(*receiver) {
                        true => ir::Slot::Key(at),
                        false => ir::Slot::At(at),
                    };
                    K::Pop(self.place(*receiver), slot)
                }
                _ => K::Unreachable,
            },
            ExprKind::List(items) => K::List(items.iter().map(|&i| self.expr(i)).collect()),
            // The entries as a list, then indexed: a key given twice keeps its first place
            // and its last value.
            ExprKind::Map(entries) => {
                let TypeDef::Map {
                    key,
                    value,
                    entries: list,
                } = *program.types.def(ty)
                else {
                    unreachable!("checked: a map literal has a map type")
                };
                let pair = program
                    .types
                    .find(&TypeDef::Tuple(vec![key, value]))
                    .expect("a map's entry type is interned with it");
                let items = entries
                    .iter()
                    .map(|&(k, v)| Expr::new(pair, K::Tuple(vec![self.expr(k), self.expr(v)])))
                    .collect();
                K::Builtin(ir::Builtin::MapFrom, vec![Expr::new(list, K::List(items))])
            }
            ExprKind::Tuple(items) => K::Tuple(items.iter().map(|&i| self.expr(i)).collect()),
            ExprKind::Record(fields) => K::Record(
                fields
                    .iter()
                    .map(|(name, value)| {
                        let index = program
                            .types
                            .member(ty, &name.text)
                            .expect("checked: a field of the record");
                        (index, self.expr(*value))
                    })
                    .collect(),
            ),
            ExprKind::Unary { op, operand } => K::Unary(*op, Box::new(self.expr(*operand))),
            ExprKind::Binary { op, lhs, rhs } => {
                // `xs + ys` keeps the elements themselves, so lists inside them must not be
                // shared with a `mut` variable; other operators only look.
                let keeps = *op == BinaryOp::Add && program.types.contains_list(ty)
                    || matches!(op, BinaryOp::And | BinaryOp::Or);
                let (lhs, rhs) = if keeps {
                    (self.expr(*lhs), self.expr(*rhs))
                } else {
                    (self.operand(*lhs), self.operand(*rhs))
                };
                K::Binary(*op, Box::new(lhs), Box::new(rhs))
            }
            ExprKind::Cast { expr, .. } => K::Cast(Box::new(self.expr(*expr))),
            ExprKind::Match { scrutinee, arms } => {
                let scrutinee = self.expr(*scrutinee);
                self.matching(scrutinee, arms, false)
            }
            ExprKind::New { fields, .. } => {
                let implementation = program
                    .implementation(ty)
                    .expect("checked: `new` of a resource the file implements");
                let mut values: Vec<Option<Expr>> = vec![None; implementation.fields.len()];
                let mut order = Vec::new();
                for (name, value) in fields {
                    let index = implementation
                        .fields
                        .iter()
                        .position(|f| f.0 == name.text)
                        .expect("checked: a field of the resource");
                    order.push(index);
                    values[index] = Some(self.expr(*value));
                }
                // Evaluated as written, laid out in declaration order: a record's form.
                let rep = Expr::new(
                    implementation.rep,
                    K::Record(
                        order
                            .into_iter()
                            .map(|i| (i as u32, values[i].take().expect("each field once")))
                            .collect(),
                    ),
                );
                let rep = self.own(rep, ir::Own::Persist);
                K::Builtin(ir::Builtin::New, vec![rep])
            }
            ExprKind::Try(inner) => {
                let inner = self.expr(*inner);
                let live = self.live_from(0);
                if live.is_empty() {
                    K::Try(Box::new(inner))
                } else {
                    self.try_dropping(inner, ty, &live)
                }
            }
            ExprKind::Check { cond, .. } => {
                K::Check(Box::new(self.expr(*cond)), facts.check_messages[id].clone())
            }
            // The pieces joined with `+`, each value as its `to-string()`.
            ExprKind::Format(parts) => {
                let string = TypeId::STRING;
                let mut pieces = parts.iter().map(|part| match part {
                    ast::FormatPart::Text(text) => {
                        Expr::new(string, K::Const(ir::Const::Str(text.clone())))
                    }
                    ast::FormatPart::Expr(value) => {
                        let operand = self.operand(*value);
                        if operand.ty == string {
                            operand
                        } else {
                            Expr::new(string, self.text_of(operand))
                        }
                    }
                });
                let Some(first) = pieces.next() else {
                    return Expr::new(string, K::Const(ir::Const::Str(String::new())));
                };
                let mut joined = first;
                for piece in pieces.collect::<Vec<_>>() {
                    joined = Expr::new(
                        string,
                        K::Binary(BinaryOp::Add, Box::new(joined), Box::new(piece)),
                    );
                }
                return joined;
            }
            _ => K::Unreachable,
        };
        Expr::new(ty, kind)
    }

    /// `operand.to-string()`: built in, but for a float, its library's function (linked for
    /// every `to-string` and `format!`, as the type is only known after checking).
    fn text_of(&mut self, operand: Expr) -> K {
        let program = self.program;
        let library = match program.types.def(operand.ty) {
            TypeDef::F32 => "f32::to-string",
            TypeDef::F64 => "f64::to-string",
            _ => return K::Builtin(ir::Builtin::ToString, vec![operand]),
        };
        let func = program
            .funcs
            .iter()
            .position(|f| f.name == library)
            .expect("linked: a float's `to-string` comes with every `to-string` and `format!`");
        K::Call(FuncId(func as u32), vec![operand])
    }

    /// The arguments of a call of `func`. The callee cannot reach the caller's locals, so
    /// a `mut` local needs no copy, unless the callee could hand it back in its result: the
    /// caller would then hold a second name for memory the `mut` local changes in place.
    fn call_args(&mut self, func: FuncId, args: &[ExprId]) -> Vec<Expr> {
        let program = self.program;
        let def = &program.funcs[func.0 as usize];
        let may_return = matches!(def.kind, FuncKind::Defined { .. })
            && def.result.is_some_and(|t| program.types.in_memory(t));
        let params = def.param_types.clone();
        let skip = params.len() - args.len();
        args.iter()
            .zip(&params[skip..])
            .map(|(&arg, &param)| {
                let lent = matches!(program.types.def(param), TypeDef::Borrow(_));
                if lent {
                    let value = self.operand(arg);
                    return self.lend(value);
                }
                if self.local_path(arg) && !(may_return && self.mutable_root(arg)) {
                    self.read_place(arg)
                } else {
                    self.expr(arg)
                }
            })
            .collect()
    }

    /// A handle passed where a borrow is expected: an owned handle to a resource the file
    /// implements is lent as its representation.
    fn lend(&self, value: Expr) -> Expr {
        let types = &self.program.types;
        match types.def(value.ty) {
            TypeDef::Resource { .. } if self.program.implementation(value.ty).is_some() => {
                let borrow = types
                    .find(&TypeDef::Borrow(value.ty))
                    .expect("a method's `self` interned the borrow");
                Expr::new(borrow, K::Builtin(ir::Builtin::Rep, vec![value]))
            }
            _ => value,
        }
    }

    /// A `match` whose value is not used: its type is `unit`, and each arm's value is a
    /// statement of its own.
    pub(super) fn match_stmt(&mut self, id: ExprId) -> Expr {
        let ExprKind::Match { scrutinee, arms } = &self.ast.exprs[id].kind else {
            unreachable!("only `match` expressions are recorded as statements")
        };
        let scrutinee = self.expr(*scrutinee);
        Expr::new(TypeId::UNIT, self.matching(scrutinee, arms, true))
    }

    /// A `match`'s arms and the decision tree that picks one.
    fn matching(&mut self, scrutinee: Expr, arms: &[ast::MatchArm], statement: bool) -> K {
        let arms = self.arms(arms, statement);
        let tree = ir::decision::decide_arms(&self.program.types, scrutinee.ty, &arms);
        K::Match(Box::new(scrutinee), arms, Box::new(tree))
    }

    fn arms(&mut self, arms: &[ast::MatchArm], statement: bool) -> Vec<ir::Arm> {
        arms.iter()
            .map(|arm| {
                let pat = self.pat(arm.pat);
                // The pattern's names are a scope around the arm.
                self.scopes.push(Vec::new());
                self.bindings(&pat);
                let guard = arm.guard.map(|guard| self.expr(guard));
                let end = arm.span.end;
                let (mut body, mut value) = match &arm.body {
                    ArmBody::Expr(body) if statement => {
                        let at = self.ast.exprs[*body].span.start;
                        let value = self.expr(*body);
                        let kind = self.discard(value);
                        (vec![ir::Stmt { kind, at }], None)
                    }
                    ArmBody::Expr(body) => (Vec::new(), Some(self.expr(*body))),
                    ArmBody::Block(block) => (self.block(block), None),
                };
                let owned = self.scopes.last().is_some_and(|s| !s.is_empty());
                if owned {
                    // The arm's value first: it may read what is dropped.
                    value = value.map(|v| self.keep("%arm", v, &mut body, end));
                }
                self.close_scope(&mut body, end);
                ir::Arm {
                    pat,
                    guard,
                    body,
                    value,
                }
            })
            .collect()
    }

    /// `e?` where handles must be dropped on the way out: a `match` that returns.
    fn try_dropping(&mut self, inner: Expr, ty: TypeId, live: &[ir::Local]) -> K {
        let types = &self.program.types;
        let result = self
            .result
            .expect("checked: `?` in a function with a result");
        let (success, failure) = match types.def(inner.ty) {
            TypeDef::Option(_) => (1, 0),
            _ => (0, 1),
        };
        let payload = |case| types.case(inner.ty, case).and_then(|c| c.1);
        let (ok_payload, err_payload) = (payload(success), payload(failure));
        let ok = ok_payload.map(|t| self.temp("%ok", t));
        let err = err_payload.map(|t| self.temp("%err", t));
        let bind = |local: Option<ir::Local>| local.map(|l| Box::new(ir::Pat::Bind(l)));
        let mut body = Vec::new();
        self.drops(live, &mut body, 0);
        let returned = Expr::new(
            result,
            K::Case(failure, err.map(|e| Box::new(self.read(e)))),
        );
        body.push(ir::Stmt {
            kind: ir::StmtKind::Return(Some(returned)),
            at: 0,
        });
        let arms = vec![
            ir::Arm {
                pat: ir::Pat::Case(success, bind(ok)),
                guard: None,
                body: Vec::new(),
                value: ok.filter(|_| ty != TypeId::UNIT).map(|l| self.read(l)),
            },
            ir::Arm {
                pat: ir::Pat::Case(failure, bind(err)),
                guard: None,
                body,
                value: None,
            },
        ];
        let tree = ir::decision::decide_arms(types, inner.ty, &arms);
        K::Match(Box::new(inner), arms, Box::new(tree))
    }

    /// An operand that is only looked at, never kept: a `mut` variable needs no copy.
    pub(super) fn operand(&mut self, id: ExprId) -> Expr {
        if self.place_root(id).is_some() {
            self.read_place(id)
        } else {
            self.expr(id)
        }
    }

    /// The value of a place expression as it is, without the copy a kept value read out of
    /// a `mut` variable needs.
    pub(super) fn read_place(&mut self, id: ExprId) -> Expr {
        let moved = self.facts.moves.contains_idx(self.ast.unparen(id));
        let place = self.place(id);
        let ty = place.ty;
        if moved {
            return Expr::new(ty, K::Take(place));
        }
        Expr::new(ty, K::Read(place))
    }

    /// A field or element of a value that is not a variable: `f().x`, `(a, b).0`.
    fn projection(&mut self, id: ExprId) -> Expr {
        let (ast, facts) = (self.ast, self.facts);
        let ty = facts.expr_type(id);
        let kind = match &ast.exprs[id].kind {
            ExprKind::Field { base, .. } => {
                let Some(Res::Field(index)) = facts.expr_res.get(id) else {
                    unreachable!("checked: a field")
                };
                K::Field(Box::new(self.expr(*base)), *index)
            }
            ExprKind::Index { base, index } => K::Index {
                list: Box::new(self.expr(*base)),
                index: Box::new(self.expr(*index)),
                checked: true,
            },
            _ => K::Unreachable,
        };
        Expr::new(ty, kind)
    }

    /// The variable at the root of a place expression, if `id` is one.
    pub(super) fn place_root(&self, id: ExprId) -> Option<ExprId> {
        crate::program::place_root(self.ast, &self.facts.expr_res, id)
    }

    /// The representation type of a handle type, if the file implements its resource.
    pub(super) fn rep_of(&self, ty: TypeId) -> Option<TypeId> {
        let resource = self.program.types.resource(ty)?;
        self.program.implementation(resource).map(|i| i.rep)
    }

    /// Whether a place reaches into a resource's representation, which any handle to it
    /// can change, and which outlives the call.
    pub(super) fn through_handle(&self, id: ExprId) -> bool {
        let types = &self.program.types;
        crate::program::through_handle(self.ast, types, &self.facts.expr_types, id)
    }

    /// Whether the place's variable can change, so what is kept from it must be copied.
    fn mutable_root(&self, id: ExprId) -> bool {
        if self.through_handle(id) {
            return true;
        }
        let program = self.program;
        let facts = self.facts;
        match self
            .place_root(id)
            .and_then(|root| facts.expr_res.get(root))
        {
            Some(Res::Local(local)) => facts.locals[local.0 as usize].mutable,
            Some(Res::Global(global)) => program.globals[global.0 as usize].mutable,
            _ => false,
        }
    }

    /// Whether `id` is a place rooted in a local variable.
    pub(super) fn local_path(&self, id: ExprId) -> bool {
        let root = self.place_root(id);
        matches!(
            root.and_then(|r| self.facts.expr_res.get(r)),
            Some(Res::Local(_))
        )
    }

    /// Whether what place `id` holds outlives the call: it is in a global, or in a
    /// resource's representation.
    pub(super) fn global_root(&self, id: ExprId) -> bool {
        if self.through_handle(id) {
            return true;
        }
        let root = self.place_root(id);
        matches!(
            root.and_then(|r| self.facts.expr_res.get(r)),
            Some(Res::Global(_))
        )
    }

    /// Whether the value `id` produces shares no memory that something else may change, so
    /// storing it in a `mut` variable needs no copy: it was just built, or is a literal in
    /// the data segment (which `+=` never writes into, only copies out of).
    pub(super) fn fresh(&self, id: ExprId) -> bool {
        let program = self.program;
        let (ast, facts) = (self.ast, self.facts);
        let types = &program.types;
        let ty = facts.expr_type(id);
        if !types.in_memory(ty) {
            return true;
        }
        // A new list or string: fresh unless its elements share memory.
        let built = || match types.def(ty) {
            TypeDef::List(elem) => !types.in_memory(*elem),
            TypeDef::String => true,
            _ => false,
        };
        match &ast.exprs[id].kind {
            ExprKind::Paren(inner) => self.fresh(*inner),
            // A slice is a new list or string.
            ExprKind::Index { .. } if ast.slice(id).is_some() => built(),
            ExprKind::Path(_) | ExprKind::Field { .. } | ExprKind::Index { .. } => {
                self.place_root(id).is_some() && self.mutable_root(id)
            }
            ExprKind::Str(_) | ExprKind::List(_) | ExprKind::Binary { .. } => built(),
            // A new block of entries, fresh as a list literal is.
            ExprKind::Map(_) => match types.def(types.as_laid_out(ty)) {
                TypeDef::List(pair) => !types.in_memory(*pair),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether `id` is a map.
    fn is_map(&self, id: ExprId) -> bool {
        let ty = self.facts.expr_type(id);
        matches!(self.program.types.def(ty), TypeDef::Map { .. })
    }

    /// `value` owned as a collection held by `receiver` keeps it: persisted for a global,
    /// copied unless fresh for a local.
    fn kept(&mut self, receiver: ExprId, value: ExprId) -> Expr {
        let fresh = self.fresh(value);
        let lowered = self.expr(value);
        if self.global_root(receiver) {
            self.own(lowered, ir::Own::Persist)
        } else if !fresh {
            self.own(lowered, ir::Own::Copy)
        } else {
            lowered
        }
    }

    /// A place: its variable, then each field and element on the way, with the index
    /// expressions evaluated in that order.
    pub(super) fn place(&mut self, id: ExprId) -> ir::Place {
        let (ast, facts) = (self.ast, self.facts);
        let ty = facts.expr_type(id);
        match &ast.exprs[id].kind {
            ExprKind::Paren(inner) => self.place(*inner),
            ExprKind::Path(_) => {
                let root = match facts.expr_res.get(id) {
                    Some(Res::Local(local)) => ir::Var::Local(self.local(*local)),
                    Some(Res::Global(global)) => ir::Var::Global(*global),
                    _ => unreachable!("checked: a place starts at a variable"),
                };
                ir::Place {
                    root,
                    path: Vec::new(),
                    ty,
                }
            }
            ExprKind::Field { base, .. } => {
                let mut place = self.place(*base);
                let Some(Res::Field(index)) = facts.expr_res.get(id) else {
                    unreachable!("checked: a field")
                };
                if let Some(rep) = self.rep_of(place.ty) {
                    place.path.push(ir::Step::Deref);
                    place.ty = rep;
                }
                place.path.push(ir::Step::Field(*index));
                place.ty = ty;
                place
            }
            ExprKind::Index { base, index } => {
                let mut place = self.place(*base);
                let index = self.expr(*index);
                place.path.push(ir::Step::Index(index, true));
                place.ty = ty;
                place
            }
            _ => unreachable!("checked: not a place"),
        }
    }

    pub(super) fn pat(&mut self, id: ast::PatId) -> ir::Pat {
        let (ast, facts) = (self.ast, self.facts);
        match &ast.pats[id].kind {
            PatKind::Wildcard => ir::Pat::Wildcard,
            PatKind::Name(_) | PatKind::Case { .. } => match facts.pat_res.get(id) {
                Some(PatRes::Bind(local)) => ir::Pat::Bind(self.local(*local)),
                Some(PatRes::Case(case)) => {
                    let payload = match &ast.pats[id].kind {
                        PatKind::Case {
                            payload: Some(sub), ..
                        } => Some(Box::new(self.pat(*sub))),
                        _ => None,
                    };
                    ir::Pat::Case(*case, payload)
                }
                None => ir::Pat::Wildcard,
            },
            PatKind::Int(v) => ir::Pat::Int(*v),
            PatKind::Char(c) => ir::Pat::Char(*c),
            PatKind::Bool(b) => ir::Pat::Bool(*b),
            PatKind::Str(text) => ir::Pat::Str(text.clone()),
            PatKind::Tuple(items) => ir::Pat::Tuple(items.iter().map(|&p| self.pat(p)).collect()),
            PatKind::Or(alternatives) => {
                ir::Pat::Or(alternatives.iter().map(|&p| self.pat(p)).collect())
            }
            PatKind::Range { .. } => {
                let (lo, hi) = ast.range_bounds(id).expect("a range pattern");
                ir::Pat::Range(lo, hi)
            }
        }
    }
}
