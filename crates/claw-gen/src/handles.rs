//! Handles, in programs with a resource (`resource.rs`): made (the constructor, static
//! functions, a method, helpers), lent (method calls, `borrow` arguments), moved (into
//! `let`s, calls, static functions, lists, options, tuples, the holder record, a global, a
//! `return`), dropped early with `drop`, replaced whole, matched out of options (`match`
//! and `if let`, every arm binding the handle), walked in lists, moved on one branch of an
//! `if` only, and declared in loops whose bodies `break`, `continue` or `return` partway
//! (the ordinary statements, `?` included, go on around them).
//!
//! The checker's ownership rules (`check/moves.rs`) are followed conservatively. A variable
//! holding a handle moves only at the loop depth it was declared at, or right before
//! leaving: `if c { take(h); break; }` for the loop just around its declaration, `return`
//! anywhere. After a move on some path it is never read again until a whole new value is
//! assigned ([`Var::moved`], kept across blocks by `Gen::pop_scope`). A handle is never
//! lent and moved in one call, a list a `for` walks is left alone in the loop's body, and
//! a pattern never matches a handle with `_`. Ordinary expressions only ever make new
//! handles and lend existing ones (`h.count()`), so an expression built and thrown away
//! never took a handle.

use crate::context::{Gen, Var, UNKNOWN_LEN};
use crate::expr::{Expr, Want};
use crate::resource::Member;
use crate::types::{Int, Ty};

/// Lists of handles grown in loops stop here.
const HANDLE_LIST_CAP: u32 = 8;

/// What a value built for a place that keeps it may take from variables.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Take {
    /// Nothing: only new handles.
    Fresh,
    /// Variables that may move here.
    Move,
    /// Also variables declared outside the loops around: the value is returned.
    Leave,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Form {
    Let,
    Method,
    Consume,
    Drop,
    Replace,
    MaybeMove,
    Match,
    Loop,
    ListLoop,
    Exit,
    Global,
    List,
    Try,
}

/// Something that takes an owned value: a helper (its index and the parameter), or a
/// static function of the resource (and the parameter).
#[derive(Clone, Copy, Debug)]
enum Consumer {
    Func(usize, usize),
    Static(Member, usize),
}

impl Gen<'_> {
    /// The weight of handle statements among all statements: none without a resource,
    /// more where handles are in scope to use.
    pub(crate) fn handle_weight(&self) -> u32 {
        match &self.res {
            None => 0,
            Some(_) if self.handle_vars().is_empty() => 12,
            Some(_) => 22,
        }
    }

    /// One statement (or a block) on handles.
    pub(crate) fn handle_stmt(&mut self, nest: u32) {
        use Form::*;
        let movable = !self.movable().is_empty();
        let in_loop = self.f.loops > 0;
        let can_loop = nest > 0 && self.f.loops < 3;
        let table: [(Form, u32, bool); 13] = [
            (Let, 30, true),
            (Method, 16, !self.lendable().is_empty()),
            (Consume, 12, movable),
            (Drop, 5, movable),
            (Replace, 6, !self.replaceable().is_empty()),
            (MaybeMove, 6, movable),
            (Match, 9, nest > 0),
            (Loop, 5, can_loop),
            (ListLoop, 4, can_loop),
            (Exit, 6, in_loop || !self.owned_anywhere().is_empty()),
            (Global, 4, true),
            (List, 7, !self.handle_lists(true).is_empty()),
            (Try, 4, self.tryable_ret()),
        ];
        let options: Vec<(Form, u32)> = table
            .iter()
            .filter(|(_, _, ok)| *ok)
            .map(|(f, w, _)| (*f, *w))
            .collect();
        let weights: Vec<u32> = options.iter().map(|o| o.1).collect();
        match options[self.rng.weighted(&weights)].0 {
            Let => self.hold_let(),
            Method => self.method_stmt(),
            Consume => self.consume_stmt(),
            Drop => self.drop_stmt(),
            Replace => self.replace_stmt(),
            MaybeMove => self.maybe_move(),
            Match => self.match_option(nest),
            Loop => self.handle_loop(nest),
            ListLoop => self.list_loop(nest),
            Exit => self.exit_stmt(),
            Global => self.global_stmt(),
            List => self.list_stmt(),
            Try => self.try_consume(),
        }
    }

    // ----- What is in scope

    /// A type for a variable holding handles.
    fn hold_type(&mut self) -> Ty {
        match self.rng.weighted(&[50, 12, 16, 10, 8]) {
            0 => Ty::Handle,
            1 => Ty::option(Ty::Handle),
            2 => Ty::list(Ty::Handle),
            3 => Ty::Tuple(vec![Ty::Handle, Ty::Int(Int::U32)]),
            _ => Ty::Holder,
        }
    }

    /// Variables holding a handle of their own that has not moved, and that nothing walks.
    fn owned_anywhere(&self) -> Vec<Var> {
        self.handle_vars()
            .into_iter()
            .filter(|v| !v.moved && !v.lent && !self.f.frozen.contains(&v.id))
            .collect()
    }

    /// Those that may move here: declared at this loop depth.
    fn movable(&self) -> Vec<Var> {
        self.owned_anywhere()
            .into_iter()
            .filter(|v| v.loops == self.f.loops)
            .collect()
    }

    /// Handles that can be lent here, as receivers or `borrow` arguments, with the
    /// variable each is in: handle variables (owned or lent), and the handle in a tuple or
    /// the holder record.
    pub(crate) fn lendable(&self) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        for var in self.handle_vars() {
            if var.moved {
                continue;
            }
            match &var.ty {
                Ty::Handle | Ty::Borrow => out.push((var.name.clone(), var.id)),
                Ty::Tuple(_) => out.push((format!("{}.0", var.name), var.id)),
                Ty::Holder => {
                    let item = &self.types.holder().item;
                    out.push((format!("{}.{item}", var.name), var.id));
                }
                _ => {}
            }
        }
        out
    }

    /// Mutable variables holding handles that may be given a new value here.
    fn replaceable(&self) -> Vec<Var> {
        self.handle_vars()
            .into_iter()
            .filter(|v| v.mutable && !v.lent && !self.f.frozen.contains(&v.id))
            .collect()
    }

    /// Lists of handles that have not moved (and, with `changing`, that may change here).
    fn handle_lists(&self, changing: bool) -> Vec<Var> {
        self.handle_vars()
            .into_iter()
            .filter(|v| v.ty == Ty::list(Ty::Handle) && !v.moved)
            .filter(|v| !changing || (v.mutable && !self.f.frozen.contains(&v.id)))
            .collect()
    }

    /// Whether `?` can pass on an option or a `result<_, string>` here.
    fn tryable_ret(&self) -> bool {
        matches!(
            &self.f.ret,
            Some(Ty::Option(_)) | Some(Ty::Result(_, Some(_)))
        )
    }

    /// Whether function `j` can be called here: each `borrow` parameter needs a handle to
    /// lend.
    pub(crate) fn can_call(&self, j: usize) -> bool {
        !self.funcs[j].params.iter().any(|(_, t)| *t == Ty::Borrow) || !self.lendable().is_empty()
    }

    fn member(&self, member: Member) -> Option<String> {
        self.res
            .as_ref()
            .and_then(|r| r.member(member))
            .map(str::to_string)
    }

    fn resource_name(&self) -> String {
        self.types.resource_name().to_string()
    }

    /// Takes the variable `id` for the value being built: it has moved from here on.
    fn take(&mut self, id: u32) {
        self.mark_moved(id);
    }

    /// Binds a new variable holding handles.
    fn bind_hold(&mut self, name: String, ty: Ty, mutable: bool) {
        let mut var = self.new_var(name, ty, mutable);
        // Ordinary `let`s never hide it: they cannot see it to know.
        var.keep = true;
        self.bind(var);
    }

    // ----- Values

    /// A constructor's argument: mostly a label of its own ("h7"), sometimes a number in
    /// scope (a loop's counter names each round's handle) or any string.
    fn label(&mut self) -> String {
        let roll = self.rng.below(100);
        if roll < 20 {
            let ints: Vec<String> = self
                .visible()
                .into_iter()
                .filter(|v| v.ty.is_int() && !v.soft)
                .map(|v| v.name)
                .collect();
            if !ints.is_empty() {
                return format!("{}.to-string()", self.rng.pick(&ints));
            }
        } else if roll < 35 {
            return self.expect(&Ty::Str, 0).text;
        }
        let res = self.res.as_mut().expect("a resource");
        res.labels += 1;
        format!("\"h{}\"", res.labels)
    }

    /// A new handle: the constructor, a static function, a method that makes one, or a
    /// helper's result. `depth` bounds how deeply they nest.
    fn new_handle(&mut self, take: Take, depth: u32) -> Expr {
        let r = self.resource_name();
        let make = self.member(Member::Make);
        let join = self.member(Member::Join);
        let split = self.member(Member::Split);
        let receivers = self.lendable();
        let helpers: Vec<usize> = (0..self.f.callable)
            .filter(|&j| self.funcs[j].ret == Some(Ty::Handle))
            .filter(|&j| self.can_call(j) && self.affordable(self.funcs[j].cost))
            .collect();
        let deep = depth > 0;
        let choice = self.rng.weighted(&[
            50,
            if make.is_some() { 10 } else { 0 },
            if join.is_some() && deep { 8 } else { 0 },
            if split.is_some() && !receivers.is_empty() {
                8
            } else {
                0
            },
            if !helpers.is_empty() && deep { 10 } else { 0 },
        ]);
        self.f.pending += 2;
        match choice {
            1 => {
                let k = self.expect(&Ty::Int(Int::U32), 0);
                Expr::primary(format!("{r}::{}({})", make.expect("make"), k.text))
            }
            2 => {
                self.f.pending += 4;
                let a = self.hold_value(&Ty::Handle, take, true, depth - 1);
                let b = self.hold_value(&Ty::Handle, take, true, depth - 1);
                let mut e = Expr::primary(format!(
                    "{r}::{}({}, {})",
                    join.expect("join"),
                    a.text,
                    b.text
                ));
                e.brace = a.brace || b.brace;
                e
            }
            3 => {
                let (receiver, _) = self.rng.pick(&receivers).clone();
                Expr::primary(format!("{receiver}.{}()", split.expect("split")))
            }
            4 => {
                let j = *self.rng.pick(&helpers);
                self.call_to(j, depth - 1)
            }
            _ => {
                let label = self.label();
                Expr::primary(format!("{r}({label})"))
            }
        }
    }

    /// A value of `ty` (which holds handles) for a place that keeps it: new handles, or,
    /// as `take` allows, variables moved into it (each marked at once, so the rest of the
    /// statement leaves it alone). With `expected`, the context gives the type, so `none`,
    /// `[]` and a record may be written. `None` only without `expected`, for the holder.
    pub(crate) fn hold_value(&mut self, ty: &Ty, take: Take, expected: bool, depth: u32) -> Expr {
        self.try_hold_value(ty, take, expected, depth)
            .expect("only the holder has no self-typed form")
    }

    pub(crate) fn try_hold_value(
        &mut self,
        ty: &Ty,
        take: Take,
        expected: bool,
        depth: u32,
    ) -> Option<Expr> {
        self.no_try += 1;
        let value = self.hold_parts(ty, take, expected, depth);
        self.no_try -= 1;
        value
    }

    fn hold_parts(&mut self, ty: &Ty, take: Take, expected: bool, depth: u32) -> Option<Expr> {
        let takeable: Vec<Var> = match take {
            Take::Fresh => Vec::new(),
            Take::Move => self.movable(),
            Take::Leave => self.owned_anywhere(),
        };
        let takeable: Vec<Var> = takeable.into_iter().filter(|v| v.ty == *ty).collect();
        if !takeable.is_empty() && self.rng.chance(45) {
            let var = self.rng.pick(&takeable).clone();
            self.take(var.id);
            return Some(Expr::primary(var.name));
        }
        let sub = depth.saturating_sub(1);
        match ty {
            Ty::Handle => Some(self.new_handle(take, depth)),
            // Types only an ordinary expression asks for (`some(R(…))?` is an
            // `option<option<R>>` first): built part by part.
            Ty::Option(inner) if **inner != Ty::Handle => {
                if expected && self.rng.chance(25) {
                    return Some(Expr::primary("none".into()));
                }
                let e = self.try_hold_value(inner, take, expected, sub)?;
                let mut some = Expr::primary(format!("some({})", e.text));
                some.brace = e.brace;
                Some(some)
            }
            Ty::Result(ok, err) if expected => {
                let (case, payload) = if self.rng.chance(60) {
                    ("ok", ok)
                } else {
                    ("err", err)
                };
                Some(match payload.as_deref() {
                    Some(t) => {
                        let e = if t.has_handle() {
                            self.hold_value(t, take, true, sub)
                        } else {
                            self.expect(t, sub)
                        };
                        let mut wrapped = Expr::primary(format!("{case}({})", e.text));
                        wrapped.brace = e.brace;
                        wrapped
                    }
                    None => Expr::primary(case.into()),
                })
            }
            Ty::Option(_) => {
                let keep = self.member(Member::Keep);
                let lists = self.handle_lists(true);
                let helpers: Vec<usize> = (0..self.f.callable)
                    .filter(|&j| self.funcs[j].ret.as_ref() == Some(ty))
                    .filter(|&j| self.can_call(j) && self.affordable(self.funcs[j].cost))
                    .collect();
                match self.rng.weighted(&[
                    if expected { 20 } else { 0 },
                    50,
                    if keep.is_some() { 15 } else { 0 },
                    if lists.is_empty() { 0 } else { 15 },
                    if helpers.is_empty() || depth == 0 {
                        0
                    } else {
                        10
                    },
                ]) {
                    0 => Some(Expr::primary("none".into())),
                    2 => {
                        let a = self.hold_value(&Ty::Handle, take, true, sub);
                        let yes = self.expect(&Ty::Bool, 0);
                        let r = self.resource_name();
                        Some(Expr::primary(format!(
                            "{r}::{}({}, {})",
                            keep.expect("keep"),
                            a.text,
                            yes.text
                        )))
                    }
                    3 => {
                        let list = self.rng.pick(&lists).clone();
                        Some(Expr::primary(format!("{}.pop()", list.name)))
                    }
                    4 => {
                        let j = *self.rng.pick(&helpers);
                        Some(self.call_to(j, sub))
                    }
                    _ => {
                        let a = self.hold_value(&Ty::Handle, take, true, sub);
                        let mut e = Expr::primary(format!("some({})", a.text));
                        e.brace = a.brace;
                        Some(e)
                    }
                }
            }
            Ty::List(elem) => {
                let len = if expected && self.rng.chance(15) {
                    0
                } else {
                    self.rng.range(1, 3)
                };
                let mut brace = false;
                let mut items = Vec::new();
                for i in 0..len {
                    let e = if elem.has_handle() {
                        self.try_hold_value(elem, take, expected || i > 0, sub)?
                    } else {
                        self.expect(elem, sub)
                    };
                    brace |= e.brace;
                    items.push(e.text);
                }
                let mut e = Expr::primary(format!("[{}]", items.join(", ")));
                e.brace = brace;
                Some(e)
            }
            Ty::Tuple(items) => {
                let mut parts = Vec::new();
                for t in items {
                    parts.push(if t.has_handle() {
                        self.try_hold_value(t, take, expected, sub)?
                    } else if expected {
                        self.expect(t, sub)
                    } else {
                        self.expr(t, Want::Free, sub)?
                    });
                }
                let texts: Vec<&str> = parts.iter().map(|e| e.text.as_str()).collect();
                let mut e = Expr::primary(format!("({})", texts.join(", ")));
                e.brace = parts.iter().any(|p| p.brace);
                Some(e)
            }
            Ty::Holder if expected => {
                let holder = self.types.holder().clone();
                let item = self.hold_value(&Ty::Handle, take, true, sub);
                let weight = self.expect(&Ty::Int(Int::U32), sub);
                let fields = if self.rng.chance(50) {
                    format!(
                        "{}: {}, {}: {}",
                        holder.item, item.text, holder.weight, weight.text
                    )
                } else {
                    format!(
                        "{}: {}, {}: {}",
                        holder.weight, weight.text, holder.item, item.text
                    )
                };
                let mut e = Expr::primary(format!("{{{fields}}}"));
                e.brace = true;
                Some(e)
            }
            _ => None,
        }
    }

    /// A handle to lend for a `borrow` parameter.
    pub(crate) fn lend_arg(&mut self) -> Option<Expr> {
        let lendable = self.lendable();
        if lendable.is_empty() {
            return None;
        }
        Some(Expr::primary(self.rng.pick(&lendable).0.clone()))
    }

    /// Whether an expression of `ty` can read something of a handle here.
    pub(crate) fn can_lend(&self, ty: &Ty) -> bool {
        self.res.is_some()
            && matches!(ty, Ty::Int(Int::U32) | Ty::Str)
            && !self.handle_vars().iter().all(|v| v.moved)
    }

    /// A `u32` or a string read through a handle without moving it: a method call (which
    /// may change the resource, so the order of evaluation shows), a list of handles'
    /// length, the number beside a handle in a tuple or the holder.
    pub(crate) fn lend_expr(&mut self, ty: &Ty, depth: u32) -> Option<Expr> {
        let receivers = self.lendable();
        let mut options: Vec<String> = Vec::new();
        let mut bumps: Vec<String> = Vec::new();
        if *ty == Ty::Str {
            let label = self.member(Member::Label).expect("always there");
            options.extend(receivers.iter().map(|(r, _)| format!("{r}.{label}()")));
        } else {
            let count = self.member(Member::Count).expect("always there");
            let total = self.member(Member::Total);
            for (r, _) in &receivers {
                options.push(format!("{r}.{count}()"));
                if let Some(total) = &total {
                    options.push(format!("{r}.{total}()"));
                }
                bumps.push(r.clone());
            }
            for var in self.handle_vars().into_iter().filter(|v| !v.moved) {
                match &var.ty {
                    Ty::List(_) => options.push(format!("{}.len()", var.name)),
                    Ty::Tuple(_) => options.push(format!("{}.1", var.name)),
                    Ty::Holder => {
                        options.push(format!("{}.{}", var.name, self.types.holder().weight))
                    }
                    _ => {}
                }
            }
        }
        if !bumps.is_empty() && self.rng.chance(30) {
            let receiver = self.rng.pick(&bumps).clone();
            let bump = self.member(Member::Bump).expect("always there");
            let k = self.expect(&Ty::Int(Int::U32), depth);
            let mut e = Expr::primary(format!("{receiver}.{bump}({})", k.text));
            e.brace = k.brace;
            return Some(e);
        }
        if options.is_empty() {
            return None;
        }
        Some(Expr::primary(self.rng.pick(&options).clone()))
    }

    // ----- Statements

    /// `let h = …;` of a handle, an option, a list, a tuple or the holder: new handles or
    /// variables moved in (`let b = a;`, `let l = [a, R("x")];`); sometimes under the
    /// name of a handle variable in scope, which it hides (and may consume: `let h =
    /// R::join(h, …);`) but which is still dropped where its own scope ends.
    fn hold_let(&mut self) {
        let ty = self.hold_type();
        let mutable = self.rng.chance(40);
        let names: Vec<String> = self.handle_vars().into_iter().map(|v| v.name).collect();
        let name = if !names.is_empty() && self.rng.chance(10) {
            self.rng.pick(&names).clone()
        } else {
            self.names.fresh(&mut self.rng)
        };
        let annotate = ty != Ty::Handle || self.rng.chance(40);
        self.begin_stmt();
        let depth = self.expr_depth();
        let value = self.hold_value(&ty, Take::Move, annotate, depth);
        let kw = if mutable { "let mut" } else { "let" };
        if annotate {
            let t = self.types.render(&ty, &mut self.rng);
            self.line(format!("{kw} {name}: {t} = {};", value.text));
        } else {
            self.line(format!("{kw} {name} = {};", value.text));
        }
        self.end_stmt();
        self.bind_hold(name, ty, mutable);
    }

    /// A method call on a handle, as a statement or bound to a new local: changing it,
    /// reading it, lending it another handle (perhaps itself), or making a new one.
    fn method_stmt(&mut self) {
        let receivers = self.lendable();
        let (receiver, _) = self.rng.pick(&receivers).clone();
        let res = self.res.clone().expect("a resource");
        let mut choices: Vec<(Member, &str)> = Vec::new();
        for member in [
            Member::Bump,
            Member::Rename,
            Member::Add,
            Member::Absorb,
            Member::Split,
            Member::Count,
            Member::Total,
            Member::Label,
        ] {
            if let Some(name) = res.member(member) {
                choices.push((member, name));
            }
        }
        let (member, method) = *self.rng.pick(&choices);
        self.begin_stmt();
        self.f.pending += 2;
        let depth = self.expr_depth();
        let (args, ret) = match member {
            Member::Bump => (
                self.expect(&Ty::Int(Int::U32), depth).text,
                Some(Ty::Int(Int::U32)),
            ),
            Member::Rename => (self.expect(&Ty::Str, 0).text, None),
            Member::Add => (self.expect(&Ty::Int(Int::U32), depth).text, None),
            Member::Absorb => (self.rng.pick(&receivers).0.clone(), None),
            Member::Split => (String::new(), Some(Ty::Handle)),
            Member::Label => (String::new(), Some(Ty::Str)),
            _ => (String::new(), Some(Ty::Int(Int::U32))),
        };
        let call = format!("{receiver}.{method}({args})");
        // An element of a list of handles, lent where it is.
        let lists = self.handle_lists(false);
        if ret.is_none() && !lists.is_empty() && self.rng.chance(25) {
            let list = self.rng.pick(&lists).name.clone();
            let at = self.rng.range(0, 1);
            let call = format!("{list}[{at}].{method}({args})");
            self.line(format!("if {list}.len() > {at} {{ {call}; }}"));
            self.end_stmt();
            return;
        }
        match ret {
            Some(ty) if self.rng.chance(60) => {
                let name = self.names.fresh(&mut self.rng);
                self.line(format!("let {name} = {call};"));
                self.end_stmt();
                if ty.has_handle() {
                    self.bind_hold(name, ty, false);
                } else {
                    let var = self.new_var(name, ty, false);
                    self.bind(var);
                }
            }
            _ => {
                // A handle made and not kept is dropped at once.
                self.line(format!("{call};"));
                self.end_stmt();
            }
        }
    }

    /// What can take an owned value of `ty` here: helpers with such a parameter (whose
    /// `borrow` parameters can be lent something else than `var`), and static functions.
    fn consumers(&self, ty: &Ty, var: u32) -> Vec<Consumer> {
        let others = self.lendable().iter().any(|(_, id)| *id != var);
        let mut out = Vec::new();
        for j in 0..self.f.callable {
            let func = &self.funcs[j];
            if func.imported || !self.affordable(func.cost) {
                continue;
            }
            if func.params.iter().any(|(_, t)| *t == Ty::Borrow) && !others {
                continue;
            }
            for (i, (_, t)) in func.params.iter().enumerate() {
                if t == ty {
                    out.push(Consumer::Func(j, i));
                }
            }
        }
        if *ty == Ty::Handle {
            if self.member(Member::Weigh).is_some() {
                out.push(Consumer::Static(Member::Weigh, 0));
            }
            if self.member(Member::Keep).is_some() {
                out.push(Consumer::Static(Member::Keep, 0));
            }
            if self.member(Member::Join).is_some() {
                out.push(Consumer::Static(Member::Join, 0));
                out.push(Consumer::Static(Member::Join, 1));
            }
        }
        out
    }

    /// A call that moves `var` into `consumer`, its other arguments new values, lent
    /// handles (never `var`'s) and ordinary expressions; and the call's result type.
    fn consume_call(&mut self, var: &Var, consumer: Consumer) -> (String, Option<Ty>) {
        let depth = self.expr_depth().min(2);
        let (head, params, ret) = match consumer {
            Consumer::Func(j, _) => {
                let func = self.funcs[j].clone();
                self.f.pending += func.cost;
                let params: Vec<Ty> = func.params.into_iter().map(|p| p.1).collect();
                (func.name, params, func.ret)
            }
            Consumer::Static(member, _) => {
                self.f.pending += 4;
                let name = format!("{}::{}", self.resource_name(), self.member(member).unwrap());
                let (params, ret) = match member {
                    Member::Weigh => (vec![Ty::Handle], Ty::Int(Int::U32)),
                    Member::Keep => (vec![Ty::Handle, Ty::Bool], Ty::option(Ty::Handle)),
                    _ => (vec![Ty::Handle, Ty::Handle], Ty::Handle),
                };
                (name, params, Some(ret))
            }
        };
        let at = match consumer {
            Consumer::Func(_, i) | Consumer::Static(_, i) => i,
        };
        let mut args = Vec::new();
        self.no_try += 1;
        for (i, t) in params.iter().enumerate() {
            let arg = if i == at {
                self.take(var.id);
                var.name.clone()
            } else if *t == Ty::Borrow {
                let others: Vec<String> = self
                    .lendable()
                    .into_iter()
                    .filter(|(_, id)| *id != var.id)
                    .map(|(text, _)| text)
                    .collect();
                self.rng.pick(&others).clone()
            } else if t.has_handle() {
                self.hold_value(t, Take::Fresh, true, 1).text
            } else {
                self.expect(t, depth).text
            };
            args.push(arg);
        }
        self.no_try -= 1;
        (format!("{head}({})", args.join(", ")), ret)
    }

    /// A variable that may move here and something to move it into, if any.
    fn pick_consumer(&mut self, vars: &[Var]) -> Option<(Var, Consumer)> {
        let mut pairs = Vec::new();
        for var in vars {
            for consumer in self.consumers(&var.ty, var.id) {
                pairs.push((var.clone(), consumer));
            }
        }
        if pairs.is_empty() {
            None
        } else {
            Some(self.rng.pick(&pairs).clone())
        }
    }

    /// A handle moved into a call (a helper, a static function): as a statement, or its
    /// result bound.
    fn consume_stmt(&mut self) {
        let movable = self.movable();
        let Some((var, consumer)) = self.pick_consumer(&movable) else {
            return self.drop_stmt();
        };
        self.begin_stmt();
        let (call, ret) = self.consume_call(&var, consumer);
        match ret {
            Some(ty) if self.rng.chance(65) => {
                let name = self.names.fresh(&mut self.rng);
                self.line(format!("let {name} = {call};"));
                self.end_stmt();
                if ty.has_handle() {
                    self.bind_hold(name, ty, false);
                } else {
                    let var = self.new_var(name, ty, false);
                    self.bind(var);
                }
            }
            _ => {
                self.line(format!("{call};"));
                self.end_stmt();
            }
        }
    }

    /// `drop(x);`
    fn drop_stmt(&mut self) {
        let movable = self.movable();
        if movable.is_empty() {
            return self.hold_let();
        }
        let var = self.rng.pick(&movable).clone();
        self.begin_stmt();
        self.take(var.id);
        self.line(format!("drop({});", var.name));
        self.end_stmt();
    }

    /// A whole new value for a `mut` variable holding handles (its old one is dropped
    /// first), perhaps made from the old one (`h = R::join(h, R("x"));`), perhaps after it
    /// moved: it holds a handle again afterwards.
    fn replace_stmt(&mut self) {
        let vars = self.replaceable();
        let var = self.rng.pick(&vars).clone();
        self.begin_stmt();
        let depth = self.expr_depth();
        let value = self.hold_value(&var.ty, Take::Move, true, depth);
        self.line(format!("{} = {};", var.name, value.text));
        self.end_stmt();
        self.revive(var.id);
    }

    /// The text of a statement that moves `var`: a call, `drop`, or a push onto a list of
    /// handles. Marks it moved.
    fn move_text(&mut self, var: &Var) -> String {
        if let Some((_, consumer)) = self.pick_consumer(std::slice::from_ref(var)) {
            if self.rng.chance(70) {
                return format!("{};", self.consume_call(var, consumer).0);
            }
        }
        let lists: Vec<Var> = self
            .handle_lists(true)
            .into_iter()
            .filter(|l| l.id != var.id)
            .collect();
        if var.ty == Ty::Handle && !lists.is_empty() && self.rng.chance(40) {
            let list = self.rng.pick(&lists).name.clone();
            self.take(var.id);
            return format!("{list}.push({});", var.name);
        }
        self.take(var.id);
        format!("drop({});", var.name)
    }

    /// A handle moved on one branch of an `if` only, and lent on the other, if any: it is
    /// dropped where its scope ends exactly when it did not move.
    fn maybe_move(&mut self) {
        let movable = self.movable();
        let var = self.rng.pick(&movable).clone();
        self.begin_stmt();
        let depth = self.expr_depth();
        let cond = self.expect(&Ty::Bool, depth);
        let lent = self
            .lendable()
            .into_iter()
            .find(|(_, id)| *id == var.id)
            .filter(|_| self.rng.chance(60));
        let other = lent.map(|(receiver, _)| {
            let count = self.member(Member::Bump).expect("always there");
            let k = self.rng.range(1, 9);
            format!("{receiver}.{count}({k});")
        });
        let moved = self.move_text(&var);
        let (first, second) = match other {
            Some(other) if self.rng.chance(50) => (other, Some(moved)),
            Some(other) => (moved, Some(other)),
            None => (moved, None),
        };
        self.line(format!("if {} {{", cond.head()));
        self.f.indent += 1;
        self.line(first);
        self.f.indent -= 1;
        if let Some(second) = second {
            self.line("} else {");
            self.f.indent += 1;
            self.line(second);
            self.f.indent -= 1;
        }
        self.line("}");
        self.end_stmt();
    }

    /// `match` on an `option<R>` (a variable, a list's `pop()`, a static function's or a
    /// helper's result), or `if let some(h) = …`: the arm binds the handle, uses it,
    /// perhaps moves it on, and statements follow.
    fn match_option(&mut self, nest: u32) {
        let ty = Ty::option(Ty::Handle);
        self.begin_stmt();
        let depth = self.expr_depth();
        let scrutinee = self.hold_value(&ty, Take::Move, false, depth);
        let name = self.names.fresh(&mut self.rng);
        if self.rng.chance(30) {
            self.open(format!("if let some({name}) = {} {{", scrutinee.head()));
            self.end_stmt();
            self.bind_hold(name.clone(), Ty::Handle, false);
            self.arm_body(&name, nest);
            self.close();
            if self.rng.chance(50) {
                self.open("} else {".into());
                self.some_stmts(1, 2, nest - 1);
                self.close();
            }
            self.line("}");
            return;
        }
        self.line(format!("match {} {{", scrutinee.head()));
        self.end_stmt();
        self.f.indent += 1;
        let some_first = self.rng.chance(50);
        for arm in 0..2 {
            if (arm == 0) == some_first {
                self.line(format!("some({name}) => {{"));
                self.f.indent += 1;
                self.push_scope();
                self.bind_hold(name.clone(), Ty::Handle, false);
                self.arm_body(&name, nest);
                self.pop_scope();
                self.f.indent -= 1;
                self.line("}");
            } else if self.rng.chance(40) {
                self.line("none => {}");
            } else {
                self.line("none => {");
                self.f.indent += 1;
                self.push_scope();
                self.some_stmts(1, 2, nest - 1);
                self.pop_scope();
                self.f.indent -= 1;
                self.line("}");
            }
        }
        self.f.indent -= 1;
        self.line("}");
    }

    /// The body of an arm that bound the handle `name`: a use of it, then statements.
    fn arm_body(&mut self, name: &str, nest: u32) {
        let var = self
            .handle_vars()
            .into_iter()
            .find(|v| v.name == name)
            .expect("just bound");
        match self.rng.below(3) {
            0 => {
                self.begin_stmt();
                let text = self.move_text(&var);
                self.line(text);
                self.end_stmt();
            }
            1 => {
                self.begin_stmt();
                let bump = self.member(Member::Bump).expect("always there");
                let k = self.expect(&Ty::Int(Int::U32), 1);
                self.line(format!("{name}.{bump}({});", k.text));
                self.end_stmt();
            }
            _ => {}
        }
        self.some_stmts(0, 2, nest - 1);
    }

    /// A loop whose body makes a handle every round, named after the round, and then runs
    /// ordinary statements with a `break` or `continue` among them: each round's handle is
    /// dropped at the end of the round, or by the jump.
    fn handle_loop(&mut self, nest: u32) {
        let rounds = self.rng.range(1, 5) as u64;
        if !self.loop_fits(rounds * 2) {
            return self.hold_let();
        }
        let i = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        self.open(format!("for {i} in 0..{rounds} {{"));
        self.end_stmt();
        let var = self.new_var(i.clone(), Ty::Int(Int::U32), false);
        self.bind(var);
        let old = self.enter_loop(rounds);
        let ty = self.hold_type();
        let name = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        let value = if ty == Ty::Handle {
            self.f.pending += 2;
            format!("{}({i}.to-string())", self.resource_name())
        } else {
            self.hold_value(&ty, Take::Move, true, 1).text
        };
        let t = self.types.render(&ty, &mut self.rng);
        let kw = if self.rng.chance(30) {
            "let mut"
        } else {
            "let"
        };
        self.line(format!("{kw} {name}: {t} = {value};"));
        self.end_stmt();
        self.bind_hold(name, ty, kw == "let mut");
        self.loop_body(nest);
        self.leave_loop(old);
        self.close();
        self.line("}");
    }

    /// `for x in hs { x.m(); … }`: the list's handles lent to the body one by one. The list
    /// is left alone inside. (A new list there is `borrowed-temporary`: nothing would drop
    /// its handles.)
    fn list_loop(&mut self, nest: u32) {
        let lists = self.handle_lists(false);
        if !self.loop_fits(UNKNOWN_LEN) || lists.is_empty() {
            return self.hold_let();
        }
        self.begin_stmt();
        let list = self.rng.pick(&lists).clone();
        let (iter, frozen) = (list.name, Some(list.id));
        let x = self.names.fresh(&mut self.rng);
        self.open(format!("for {x} in {iter} {{"));
        self.end_stmt();
        let mut var = self.new_var(x.clone(), Ty::Handle, false);
        var.keep = true;
        var.lent = true;
        self.bind(var);
        if let Some(id) = frozen {
            self.f.frozen.push(id);
        }
        let old = self.enter_loop(UNKNOWN_LEN);
        self.begin_stmt();
        let bump = self.member(Member::Bump).expect("always there");
        let add = self.member(Member::Add).unwrap_or_else(|| bump.clone());
        let method = if self.rng.chance(50) { bump } else { add };
        let k = self.expect(&Ty::Int(Int::U32), 1);
        self.line(format!("{x}.{method}({});", k.text));
        self.end_stmt();
        self.loop_body(nest);
        self.leave_loop(old);
        if frozen.is_some() {
            self.f.frozen.pop();
        }
        self.close();
        self.line("}");
    }

    /// A move right before leaving: `if c { take(h); break; }` in a loop (for a variable
    /// declared just outside it, or inside), or `if c { return …; }` with a value that
    /// moves a handle declared anywhere. Right after, the variable still holds its handle.
    fn exit_stmt(&mut self) {
        let ret_holds = self.f.ret.as_ref().is_some_and(Ty::has_handle);
        let breakable: Vec<Var> = self
            .owned_anywhere()
            .into_iter()
            .filter(|v| v.loops == self.f.loops || v.loops + 1 == self.f.loops)
            .collect();
        let breaking =
            self.f.loops > 0 && !breakable.is_empty() && (!ret_holds || self.rng.chance(50));
        self.begin_stmt();
        let depth = self.expr_depth();
        let cond = self.expect(&Ty::Bool, depth);
        let before: Vec<u32> = self
            .handle_vars()
            .into_iter()
            .filter(|v| v.moved)
            .map(|v| v.id)
            .collect();
        let body = if breaking {
            let var = self.rng.pick(&breakable).clone();
            format!("{} break;", self.move_text(&var))
        } else if let Some(ret) = self.f.ret.clone().filter(Ty::has_handle) {
            let value = self.hold_value(&ret, Take::Leave, true, 1);
            format!("return {};", value.text)
        } else {
            // A value that consumes a handle, if something returns the function's type.
            let ret = self.f.ret.clone();
            let owned = self.owned_anywhere();
            let mut pairs = Vec::new();
            for var in &owned {
                for consumer in self.consumers(&var.ty, var.id) {
                    let gives = match consumer {
                        Consumer::Func(j, _) => self.funcs[j].ret.clone(),
                        Consumer::Static(Member::Weigh, _) => Some(Ty::Int(Int::U32)),
                        Consumer::Static(Member::Keep, _) => Some(Ty::option(Ty::Handle)),
                        Consumer::Static(..) => Some(Ty::Handle),
                    };
                    if gives == ret && ret.is_some() {
                        pairs.push((var.clone(), consumer));
                    }
                }
            }
            if pairs.is_empty() {
                self.end_stmt();
                return self.hold_let();
            }
            let (var, consumer) = self.rng.pick(&pairs).clone();
            format!("return {};", self.consume_call(&var, consumer).0)
        };
        self.line(format!("if {} {{ {body} }}", cond.head()));
        self.end_stmt();
        // What moved there is still here on the way on.
        for var in self.handle_vars() {
            if var.moved && !before.contains(&var.id) {
                self.revive(var.id);
            }
        }
    }

    /// A whole new value for the global `option<R>`, which drops the old one.
    fn global_stmt(&mut self) {
        let held = self.res.as_ref().expect("a resource").held.clone();
        self.begin_stmt();
        let depth = self.expr_depth();
        let value = self.hold_value(&Ty::option(Ty::Handle), Take::Move, true, depth);
        self.line(format!("{held} = {};", value.text));
        self.end_stmt();
    }

    /// A list of handles changed: a handle pushed (moved in), one popped and dropped at
    /// once, or popped and kept.
    fn list_stmt(&mut self) {
        let lists = self.handle_lists(true);
        let list = self.rng.pick(&lists).name.clone();
        self.begin_stmt();
        match self.rng.below(4) {
            0 | 1 => {
                let value = self.hold_value(&Ty::Handle, Take::Move, true, 1);
                let push = format!("{list}.push({});", value.text);
                if self.f.loops > 0 {
                    self.line(format!("if {list}.len() < {HANDLE_LIST_CAP} {{ {push} }}"));
                } else {
                    self.line(push);
                }
            }
            2 => self.line(format!("{list}.pop();")),
            _ => {
                let name = self.names.fresh(&mut self.rng);
                self.line(format!("let {name} = {list}.pop();"));
                self.bind_hold(name, Ty::option(Ty::Handle), false);
            }
        }
        self.end_stmt();
    }

    /// `let x = take(h)?;` in a function that can pass the `none` or `err` on: the
    /// handles in scope are dropped on the way out.
    fn try_consume(&mut self) {
        let ret = self.f.ret.clone().expect("tryable");
        let fits = |t: &Option<Ty>| match (&ret, t) {
            (Ty::Option(_), Some(Ty::Option(_))) => true,
            (Ty::Result(_, err), Some(Ty::Result(_, e))) => err == e,
            _ => false,
        };
        let movable = self.movable();
        let mut pairs = Vec::new();
        for var in &movable {
            for consumer in self.consumers(&var.ty, var.id) {
                let gives = match consumer {
                    Consumer::Func(j, _) => self.funcs[j].ret.clone(),
                    Consumer::Static(Member::Keep, _) => Some(Ty::option(Ty::Handle)),
                    Consumer::Static(..) => None,
                };
                if fits(&gives) {
                    pairs.push((var.clone(), consumer, gives));
                }
            }
        }
        if pairs.is_empty() {
            // Some handle in scope, then a `?` (or `check!`) that may leave.
            self.hold_let();
            self.begin_stmt();
            let depth = self.expr_depth();
            if matches!(&ret, Ty::Result(_, Some(e)) if **e == Ty::Str) && self.rng.chance(50) {
                let cond = self.expect(&Ty::Bool, depth);
                self.line(format!("check!({})?;", cond.text));
            } else {
                let payload = Ty::Int(Int::U32);
                let ty = match &ret {
                    Ty::Option(_) => Ty::option(payload.clone()),
                    Ty::Result(_, err) => Ty::Result(Some(Box::new(payload.clone())), err.clone()),
                    _ => unreachable!("tryable"),
                };
                if let Some(e) = self.expr(&ty, Want::Free, depth) {
                    let name = self.names.fresh(&mut self.rng);
                    self.line(format!("let {name} = {}?;", e.base()));
                    let var = self.new_var(name, payload, false);
                    self.bind(var);
                }
            }
            self.end_stmt();
            return;
        }
        let (var, consumer, gives) = self.rng.pick(&pairs).clone();
        self.begin_stmt();
        let (call, _) = self.consume_call(&var, consumer);
        let inner = match gives.expect("a result") {
            Ty::Option(t) => Some(*t),
            Ty::Result(ok, _) => ok.map(|t| *t),
            _ => unreachable!("fits"),
        };
        match inner {
            Some(t) => {
                let name = self.names.fresh(&mut self.rng);
                self.line(format!("let {name} = {call}?;"));
                self.end_stmt();
                if t.has_handle() {
                    self.bind_hold(name, t, false);
                } else {
                    let v = self.new_var(name, t, false);
                    self.bind(v);
                }
            }
            None => {
                self.line(format!("{call}?;"));
                self.end_stmt();
            }
        }
    }

    /// A `return` value for a function whose result holds handles: new ones, or variables
    /// moved out.
    pub(crate) fn return_holding(&mut self, ret: &Ty, depth: u32) -> Expr {
        self.hold_value(ret, Take::Leave, true, depth)
    }
}
