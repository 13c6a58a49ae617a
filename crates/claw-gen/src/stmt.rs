//! Statements: `let` (annotated, inferred, shadowing), assignment to variables, fields,
//! flags and elements with every compound operator, `push`/`pop`, `if`/`else if` chains
//! mixed with `if let`, `match` statements, early `return`, `?` and `check!`, and the
//! `break`/`continue` jumps. Loops live in `loops.rs`.
//!
//! Each simple statement is one line, so a line-based reducer can delete most of them one by
//! one and still have a valid program.

use crate::context::{Gen, HEAP_CAP};
use crate::expr::{prec, Want};
use crate::types::{Int, Ty};
use crate::wave;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Let,
    Assign,
    Push,
    Pop,
    If,
    Match,
    ForRange,
    ForList,
    ForChars,
    While,
    Loop,
    Jump,
    Return,
    Call,
    Try,
    ListInLoop,
    Copy,
    Shape,
    Handle,
}

/// A place that can be assigned: its path, type, and the guard its index needs.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub(crate) path: String,
    pub(crate) ty: Ty,
    /// `if GUARD {` must surround the statement (an element index's bounds check).
    pub(crate) guard: Option<String>,
    /// The place is in a global, so what is stored there outlives the call.
    pub(crate) global: bool,
}

impl Gen<'_> {
    /// Writes `count` statements into the current block; `nest` bounds how many more blocks
    /// may open inside.
    pub(crate) fn stmts(&mut self, count: usize, nest: u32) {
        for _ in 0..count {
            if self.f.stmts_left == 0 {
                return;
            }
            self.f.stmts_left -= 1;
            self.stmt(nest);
        }
    }

    /// Between `lo` and `hi` statements.
    pub(crate) fn some_stmts(&mut self, lo: i64, hi: i64, nest: u32) {
        let count = self.rng.range(lo, hi) as usize;
        self.stmts(count, nest);
    }

    fn stmt(&mut self, nest: u32) {
        use Kind::*;
        let in_loop = self.f.loops > 0;
        // A block needs room for a few statements inside.
        let nest = if self.f.stmts_left >= 3 { nest } else { 0 };
        let can_loop = nest > 0 && self.f.loops < 3;
        let tryable = matches!(self.f.ret, Some(Ty::Option(_) | Ty::Result(_, _)));
        let handles = self.handle_weight();
        let table: [(Kind, u32, bool); 19] = [
            (Let, 20, true),
            (Assign, 16, true),
            (Push, 7, true),
            (Pop, 2, true),
            (If, 9, nest > 0),
            (Match, 5, nest > 0),
            (ForRange, 5, can_loop),
            (ForList, 4, can_loop),
            (ForChars, 3, can_loop),
            (While, 4, can_loop),
            (Loop, 3, can_loop),
            (Jump, 8, in_loop),
            (Return, 2, true),
            (Call, 3, self.f.callable > 0),
            (Try, 3, tryable),
            (ListInLoop, 2, can_loop && self.f.loops < 2),
            (Copy, 2, true),
            (Shape, 8, true),
            (Handle, handles, handles > 0),
        ];
        let options: Vec<(Kind, u32)> = table
            .iter()
            .filter(|(_, _, ok)| *ok)
            .map(|(k, w, _)| (*k, *w))
            .collect();
        let weights: Vec<u32> = options.iter().map(|o| o.1).collect();
        let kind = options[self.rng.weighted(&weights)].0;
        match kind {
            Let => self.let_stmt(),
            Assign => self.assign_stmt(),
            Push => self.push_stmt(),
            Pop => self.pop_stmt(),
            If => self.if_stmt(nest),
            Match => self.match_stmt(nest),
            ForRange => self.for_range(nest),
            ForList => self.for_list(nest),
            ForChars => self.for_chars(nest),
            While => self.while_loop(nest),
            Loop => self.loop_loop(nest),
            Jump => self.jump_stmt(false),
            Return => self.return_stmt(),
            Call => self.call_stmt(),
            Try => self.try_stmt(),
            ListInLoop => self.list_in_loop(),
            Copy => self.copy_stmt(),
            Shape => self.shape_stmt(nest),
            Handle => self.handle_stmt(nest),
        }
    }

    pub(crate) fn expr_depth(&mut self) -> u32 {
        self.rng.range(1, i64::from(self.config.expr_depth.max(1))) as u32
    }

    /// A name for a new local: fresh, or (sometimes) one in scope, which the `let` shadows.
    fn local_name(&mut self) -> String {
        if self.rng.chance(12) {
            let locals: Vec<String> = self
                .f
                .scopes
                .iter()
                .flatten()
                .filter(|v| !v.keep && !v.counter && !v.ty.has_handle())
                .map(|v| v.name.clone())
                .collect();
            if !locals.is_empty() {
                return self.rng.pick(&locals).clone();
            }
        }
        self.names.fresh(&mut self.rng)
    }

    pub(crate) fn let_stmt(&mut self) {
        let soft_source = self
            .visible()
            .into_iter()
            .find(|v| v.soft && !v.global && !v.counter)
            .filter(|_| self.rng.chance(30));
        let ty = match &soft_source {
            Some(source) => source.ty.clone(),
            None => self.local_type(),
        };
        let mutable = self.rng.chance(45);
        let name = self.local_name();
        let kw = if mutable { "let mut" } else { "let" };
        self.begin_stmt();
        let depth = self.expr_depth();
        let mut var;
        let roll = self.rng.below(100);
        if let Some(source) = soft_source {
            // `let y = x + 2;` from a soft `x`: `y` shares `x`'s open type, and whichever
            // is used first where `ty` is expected decides it for both.
            let text = match self.rng.below(3) {
                0 => source.name.clone(),
                1 => format!("{} + {}", source.name, self.rng.range(0, 9)),
                _ => format!("({} - 1) * 2", source.name),
            };
            self.line(format!("{kw} {name} = {text};"));
            var = self.new_var(name, ty, mutable);
            var.soft = true;
            var.soft_group = source.soft_group;
        } else if ty.is_numeric() && !ty.is_default_numeric() && roll < 12 {
            // `let x = 5;` whose type comes from its first use (see `Var::soft`). The
            // literal fits `s32` too, so the program stays valid if that use is deleted.
            let text = match &ty {
                Ty::Int(int) => {
                    let v = wave::small_int(&mut self.rng, *int).max(0);
                    wave::int_text(&mut self.rng, v)
                }
                _ => wave::float_text(f64::from(self.rng.range(-40, 40) as f32 / 4.0), true),
            };
            self.line(format!("{kw} {name} = {text};"));
            var = self.new_var(name, ty, mutable);
            var.soft = true;
        } else if roll < 50 {
            match self.expr(&ty, Want::Free, depth) {
                Some(e) => {
                    self.line(format!("{kw} {name} = {};", e.text));
                    var = self.new_var(name, ty, mutable);
                    var.flex = e.lit;
                    var.min_len = e.items.unwrap_or(0);
                }
                None => {
                    let e = self.expect(&ty, depth);
                    let t = self.types.render(&ty, &mut self.rng);
                    self.line(format!("{kw} {name}: {t} = {};", e.text));
                    var = self.new_var(name, ty, mutable);
                    var.min_len = e.items.unwrap_or(0);
                }
            }
        } else {
            let e = self.expect(&ty, depth);
            let t = self.types.render(&ty, &mut self.rng);
            self.line(format!("{kw} {name}: {t} = {};", e.text));
            var = self.new_var(name, ty, mutable);
            var.min_len = e.items.unwrap_or(0);
        }
        self.end_stmt();
        self.bind(var);
    }

    /// Every assignable place in scope: variables, their fields, tuple elements and flags,
    /// and (behind a bounds check) list elements.
    pub(crate) fn all_places(&mut self) -> Vec<Place> {
        let mut out = Vec::new();
        for var in self.visible() {
            if !var.mutable || var.counter || var.soft {
                continue;
            }
            self.collect_places(var.name.clone(), &var.ty, None, var.global, 3, &mut out);
        }
        out
    }

    fn collect_places(
        &mut self,
        path: String,
        ty: &Ty,
        guard: Option<String>,
        global: bool,
        steps: u32,
        out: &mut Vec<Place>,
    ) {
        out.push(Place {
            path: path.clone(),
            ty: ty.clone(),
            guard: guard.clone(),
            global,
        });
        if steps == 0 {
            return;
        }
        match ty {
            Ty::Tuple(items) => {
                for (i, t) in items.iter().enumerate() {
                    let p = format!("{path}.{i}");
                    self.collect_places(p, t, guard.clone(), global, steps - 1, out);
                }
            }
            Ty::Named(_) => {
                if let Some(fields) = self.types.record_fields(ty).map(<[_]>::to_vec) {
                    for (name, t) in &fields {
                        let p = format!("{path}.{name}");
                        self.collect_places(p, t, guard.clone(), global, steps - 1, out);
                    }
                }
                if let Some(flags) = self.types.flags(ty).map(<[_]>::to_vec) {
                    for flag in flags {
                        out.push(Place {
                            path: format!("{path}.{flag}"),
                            ty: Ty::Bool,
                            guard: guard.clone(),
                            global,
                        });
                    }
                }
            }
            // One element, behind one guard; no guard nests inside another.
            Ty::List(elem) if guard.is_none() => {
                let index = self.rng.range(0, 2);
                let p = format!("{path}[{index}]");
                let g = if self.rng.chance(self.config.trap_percent) {
                    // Unguarded: traps when the list is too short.
                    None
                } else if self.rng.chance(50) {
                    Some(format!("{path}.len() > {index}"))
                } else {
                    Some(format!("{index} < {path}.len()"))
                };
                self.collect_places(p, elem, g, global, steps - 1, out);
            }
            _ => {}
        }
    }

    /// Writes `stmt` (one line), inside `if guard { … }` when given.
    pub(crate) fn guarded(&mut self, guard: Option<&str>, stmt: String) {
        match guard {
            Some(g) => self.line(format!("if {g} {{ {stmt} }}")),
            None => self.line(stmt),
        }
    }

    /// The growth guard a statement storing into `place` needs: lists and strings kept in
    /// a global, or changed in a loop, stop growing at [`HEAP_CAP`].
    pub(crate) fn growth_guard(&mut self, place: &Place) -> Option<String> {
        let repeated = self.f.loops > 0 || place.global;
        match &place.ty {
            Ty::Str | Ty::List(_) if repeated => Some(format!("{}.len() < {HEAP_CAP}", place.path)),
            _ => None,
        }
    }

    /// Joins an element guard and a growth guard.
    pub(crate) fn join_guards(a: Option<String>, b: Option<String>) -> Option<String> {
        match (a, b) {
            (Some(a), Some(b)) => Some(format!("{a} && {b}")),
            (a, b) => a.or(b),
        }
    }

    fn assign_stmt(&mut self) {
        let places = self.all_places();
        if places.is_empty() {
            return self.let_stmt();
        }
        let place = self.rng.pick(&places).clone();
        let ops: &[&str] = match &place.ty {
            Ty::Int(_) => &[
                "=", "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=",
            ],
            Ty::F32 | Ty::F64 => &["=", "+=", "-=", "*=", "/="],
            Ty::Bool => &["=", "=", "&=", "|=", "^="],
            Ty::Str | Ty::List(_) => &["=", "+="],
            _ => &["="],
        };
        let op = *self.rng.pick(ops);
        self.begin_stmt();
        let repeated = self.f.loops > 0 || place.global;
        if repeated && self.types.has_heap(&place.ty) && !matches!(place.ty, Ty::Str | Ty::List(_))
        {
            // A record or tuple holding lists: no concatenation, so it cannot double.
            self.f.concats = 0;
        }
        let depth = self.expr_depth();
        // A local still flexible takes its type from the value, which the checker then
        // infers on its own unless it is literal-like (see `assign` in `check/stmt.rs`).
        let flexible = self
            .visible()
            .iter()
            .any(|v| v.name == place.path && v.flex);
        let want = if flexible { Want::Free } else { Want::Expected };
        let value = if place.ty.is_int() && (op == "/=" || op == "%=") {
            self.divisor(&place.ty, want, depth)
        } else if flexible {
            self.expr(&place.ty, want, depth)
                .expect("a flexible local is a number, which always has a self-typed form")
        } else {
            self.expect(&place.ty, depth)
        };
        let growth = self.growth_guard(&place);
        let guard = Self::join_guards(place.guard.clone(), growth);
        self.guarded(
            guard.as_deref(),
            format!("{} {op} {};", place.path, value.text),
        );
        self.end_stmt();
    }

    /// The places holding a list, for `push` and `pop`.
    fn list_places(&mut self) -> Vec<Place> {
        self.all_places()
            .into_iter()
            .filter(|p| matches!(p.ty, Ty::List(_)))
            .collect()
    }

    fn push_stmt(&mut self) {
        let places = self.list_places();
        if places.is_empty() {
            return self.copy_stmt();
        }
        let place = self.rng.pick(&places).clone();
        let Ty::List(elem) = &place.ty else {
            unreachable!("a list place")
        };
        self.begin_stmt();
        let depth = self.expr_depth();
        let value = self.expect(elem, depth);
        let growth = self.growth_guard(&place);
        let guard = Self::join_guards(place.guard.clone(), growth);
        let stmt = if self.rng.chance(25) {
            // `insert` anywhere from the front to the end; rarely past it, a trap.
            let at = if self.rng.chance(self.config.trap_percent) {
                "2".to_string()
            } else {
                let len = format!("{}.len()", place.path);
                self.rng
                    .pick(&["0".to_string(), format!("{len} / 2"), len])
                    .clone()
            };
            format!("{}.insert({at}, {});", place.path, value.text)
        } else {
            format!("{}.push({});", place.path, value.text)
        };
        self.guarded(guard.as_deref(), stmt);
        self.end_stmt();
    }

    fn pop_stmt(&mut self) {
        let places = self.list_places();
        if places.is_empty() {
            return self.let_stmt();
        }
        let place = self.rng.pick(&places).clone();
        self.begin_stmt();
        if self.rng.chance(30) {
            // `remove` at the front, the middle or the end of a list that is not empty;
            // rarely unguarded, a trap when it is.
            let len = format!("{}.len()", place.path);
            let at = self
                .rng
                .pick(&["0".to_string(), format!("{len} / 2"), format!("{len} - 1")])
                .clone();
            let nonempty =
                (!self.rng.chance(self.config.trap_percent)).then(|| format!("{len} > 0"));
            let guard = Self::join_guards(place.guard.clone(), nonempty);
            self.guarded(guard.as_deref(), format!("{}.remove({at});", place.path));
        } else {
            self.guarded(place.guard.as_deref(), format!("{}.pop();", place.path));
        }
        self.end_stmt();
    }

    /// Opens a block: `{` ends `head`, the body is indented, in its own scope.
    pub(crate) fn open(&mut self, head: String) {
        // Some loops get a label, which `break` and `continue` in loops inside may name.
        let is_loop = ["for ", "while ", "loop "]
            .iter()
            .any(|word| head.starts_with(word));
        let head = if is_loop && self.rng.chance(25) {
            self.f.label_count += 1;
            let label = format!("'l{}", self.f.label_count);
            let head = format!("{label}: {head}");
            self.f.pending_label = Some(label);
            head
        } else {
            head
        };
        self.line(head);
        self.f.indent += 1;
        self.push_scope();
    }

    pub(crate) fn close(&mut self) {
        self.pop_scope();
        self.f.indent -= 1;
    }

    /// An `if` chain; branches test a condition or a pattern (`if let`).
    fn if_stmt(&mut self, nest: u32) {
        let branches = self.rng.range(1, 3);
        let has_else = self.rng.chance(45);
        for b in 0..branches {
            let keyword = if b == 0 { "if" } else { "} else if" };
            self.begin_stmt();
            let depth = self.expr_depth();
            let binds = if self.rng.chance(40) {
                let ty = self.scrutinee_type();
                match self.expr(&ty, Want::Free, depth) {
                    Some(value) => {
                        let pat = self.pattern(&ty, 2);
                        self.open(format!(
                            "{keyword} let {} = {} {{",
                            pat.text,
                            value.let_value()
                        ));
                        pat.binds
                    }
                    None => {
                        let cond = self.expect(&Ty::Bool, depth);
                        self.open(format!("{keyword} {} {{", cond.head()));
                        Vec::new()
                    }
                }
            } else {
                let cond = self.expect(&Ty::Bool, depth);
                self.open(format!("{keyword} {} {{", cond.head()));
                Vec::new()
            };
            self.end_stmt();
            for (name, ty) in binds {
                let var = self.new_var(name, ty, false);
                self.bind(var);
            }
            let count = self.rng.range(1, 3) as usize;
            self.stmts(count, nest - 1);
            self.close();
        }
        if has_else {
            self.open("} else {".into());
            let count = self.rng.range(1, 2) as usize;
            self.stmts(count, nest - 1);
            self.close();
        }
        self.line("}");
    }

    fn match_stmt(&mut self, nest: u32) {
        let ty = self.scrutinee_type();
        self.begin_stmt();
        let depth = self.expr_depth();
        let scrutinee = match self.expr(&ty, Want::Free, depth) {
            Some(e) => e,
            None => return self.if_stmt(nest),
        };
        self.line(format!("match {} {{", scrutinee.head()));
        self.end_stmt();
        self.f.indent += 1;
        for pat in self.arms(&ty) {
            self.push_scope();
            for (name, t) in &pat.binds {
                let var = self.new_var(name.clone(), t.clone(), false);
                self.bind(var);
            }
            let head = format!("{}{}", pat.text, self.guard_text(&pat, depth));
            match self.rng.below(10) {
                0 => self.line(format!("{head} => {{}}")),
                1 if self.f.loops > 0 => {
                    let jump = self.jump_word();
                    self.line(format!("{head} => {{ {jump} }}"));
                }
                _ => {
                    self.line(format!("{head} => {{"));
                    self.f.indent += 1;
                    let count = self.rng.range(1, 2) as usize;
                    self.stmts(count, nest - 1);
                    self.f.indent -= 1;
                    self.line("}");
                }
            }
            self.pop_scope();
        }
        self.f.indent -= 1;
        self.line("}");
    }

    /// `break;` or `continue;`, mostly behind a condition so the rest of the loop runs; a
    /// bare one only where nothing follows it (`last`).
    pub(crate) fn jump_stmt(&mut self, last: bool) {
        let jump = self.jump_word();
        self.begin_stmt();
        if last && self.rng.chance(15) {
            self.line(jump);
        } else {
            let depth = self.expr_depth();
            let cond = self.expect(&Ty::Bool, depth);
            self.line(format!("if {} {{ {jump} }}", cond.head()));
        }
        self.end_stmt();
    }

    /// `break;` or `continue;`; only `break;` in a loop whose step comes last, which a
    /// `continue` would skip, so the loop would never end.
    pub(crate) fn jump_word(&mut self) -> String {
        let labelled: Vec<(String, bool)> = self
            .f
            .labels
            .iter()
            .filter_map(|(label, continuable)| label.clone().map(|l| (l, *continuable)))
            .collect();
        if !labelled.is_empty() && self.rng.chance(40) {
            let (label, continuable) = self.rng.pick(&labelled).clone();
            return if continuable && self.rng.chance(50) {
                format!("continue {label};")
            } else {
                format!("break {label};")
            };
        }
        if self.f.loops != self.f.step_last && self.rng.chance(50) {
            "continue;".into()
        } else {
            "break;".into()
        }
    }

    /// An early return behind a condition.
    fn return_stmt(&mut self) {
        self.begin_stmt();
        let depth = self.expr_depth();
        let cond = self.expect(&Ty::Bool, depth);
        let value = match self.f.ret.clone() {
            Some(ret) => format!("return {};", self.expect(&ret, depth).text),
            None => "return;".into(),
        };
        self.line(format!("if {} {{ {value} }}", cond.head()));
        self.end_stmt();
    }

    fn call_stmt(&mut self) {
        let candidates: Vec<usize> = (0..self.f.callable)
            .filter(|&j| self.affordable(self.funcs[j].cost) && self.can_call(j))
            .collect();
        if candidates.is_empty() {
            return self.let_stmt();
        }
        let j = *self.rng.pick(&candidates);
        self.begin_stmt();
        let depth = self.expr_depth();
        let call = self.call_to(j, depth);
        self.line(format!("{};", call.text));
        self.end_stmt();
    }

    /// `check!(…)?;`, or `e?;` on an option or result the function can pass on.
    fn try_stmt(&mut self) {
        self.begin_stmt();
        let depth = self.expr_depth();
        let ret = self.f.ret.clone().expect("a tryable result");
        if let Ty::Result(_, Some(err)) = &ret {
            if **err == Ty::Str && self.rng.chance(60) {
                let cond = self.expect(&Ty::Bool, depth);
                self.line(format!("check!({})?;", cond.text));
                self.end_stmt();
                return;
            }
        }
        let payload = self.scalar_type();
        let ty = match &ret {
            Ty::Option(_) => Ty::option(payload),
            Ty::Result(_, err) => Ty::Result(
                if self.rng.chance(30) {
                    None
                } else {
                    Some(Box::new(payload))
                },
                err.clone(),
            ),
            _ => unreachable!("tryable"),
        };
        match self.expr(&ty, Want::Free, depth) {
            Some(e) => self.line(format!("{}?;", e.stmt())),
            None => {
                // No value of that type in reach: bind one first.
                let name = self.names.fresh(&mut self.rng);
                let t = self.types.render(&ty, &mut self.rng);
                let e = self.expect(&ty, depth);
                self.line(format!("let {name}: {t} = {};", e.text));
                self.line(format!("{name}?;"));
            }
        }
        self.end_stmt();
    }

    /// A type of the program's that lives in memory (so copies of it are real copies), or
    /// with `list_percent` chance (or when there is none) a list of integers.
    pub(crate) fn heap_type(&mut self, list_percent: u32) -> Ty {
        let heap: Vec<Ty> = self
            .pool
            .iter()
            .filter(|t| self.types.has_heap(t))
            .cloned()
            .collect();
        if heap.is_empty() || self.rng.chance(list_percent) {
            Ty::list(Ty::Int(self.int_type()))
        } else {
            self.rng.pick(&heap).clone()
        }
    }

    /// Value semantics: a copy of a mutable value, then a change to one of the two, both
    /// still in scope for later statements (and the function's result) to read.
    pub(crate) fn copy_stmt(&mut self) {
        let ty = self.heap_type(30);
        let via = self.hand_back_to(&ty).filter(|_| self.rng.chance(40));
        let (original, copy) = self.copy_pair(&ty, None, via.as_deref());
        let target = if self.rng.chance(70) { copy } else { original };
        for _ in 0..self.rng.range(1, 2) {
            self.change_heap(&target, &ty);
        }
    }

    /// `let mut a: T = init; let mut b = a;` (or `= via(a)`), both kept visible under
    /// their names.
    pub(crate) fn copy_pair(
        &mut self,
        ty: &Ty,
        init: Option<String>,
        via: Option<&str>,
    ) -> (String, String) {
        self.begin_stmt();
        let init = match init {
            Some(text) => text,
            None => {
                let depth = self.expr_depth();
                self.expect(ty, depth).text
            }
        };
        let t = self.types.render(ty, &mut self.rng);
        let original = self.names.fresh(&mut self.rng);
        let copy = self.names.fresh(&mut self.rng);
        self.line(format!("let mut {original}: {t} = {init};"));
        match via {
            Some(func) => self.line(format!("let mut {copy} = {func}({original});")),
            None => self.line(format!("let mut {copy} = {original};")),
        }
        self.end_stmt();
        for name in [&original, &copy] {
            let mut var = self.new_var(name.clone(), ty.clone(), true);
            var.keep = true;
            self.bind(var);
        }
        (original, copy)
    }

    /// Changes the variable `name` of type `ty` through a part that holds a list or string
    /// (`push`, `+=`, an element or a field), so a copy of it would differ.
    pub(crate) fn change_heap(&mut self, name: &str, ty: &Ty) {
        let mut places = Vec::new();
        self.collect_places(name.to_string(), ty, None, false, 3, &mut places);
        places.retain(|p| matches!(p.ty, Ty::List(_) | Ty::Str));
        if places.is_empty() {
            return;
        }
        let place = self.rng.pick(&places).clone();
        self.begin_stmt();
        let stmt = match &place.ty {
            Ty::List(elem) if self.rng.chance(70) => {
                let v = self.expect(elem, 1);
                format!("{}.push({});", place.path, v.text)
            }
            t => {
                let t = t.clone();
                let v = self.expect(&t, 1);
                format!("{} += {};", place.path, v.text)
            }
        };
        let growth = if self.f.loops > 0 {
            Some(format!("{}.len() < {HEAP_CAP}", place.path))
        } else {
            None
        };
        let guard = Self::join_guards(place.guard.clone(), growth);
        self.guarded(guard.as_deref(), stmt);
        self.end_stmt();
    }

    /// A fresh mutable counter of an integer type, declared on its own line.
    pub(crate) fn counter(&mut self, start: i128) -> (String, Int) {
        let int = self.int_type();
        let name = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        let start_text = wave::int_text(&mut self.rng, start);
        if int == Int::S32 && self.rng.chance(40) {
            // Unannotated: stays a flexible `s32`.
            self.line(format!("let mut {name} = {start_text};"));
        } else {
            self.line(format!("let mut {name}: {} = {start_text};", int.name()));
        }
        self.end_stmt();
        let mut var = self.new_var(name.clone(), Ty::Int(int), true);
        var.counter = true;
        var.flex = int == Int::S32;
        self.bind(var);
        (name, int)
    }

    /// A bound expression of `int` between 0 and `limit` (exclusive) that is "typed" in
    /// the checker's sense: `(e % limit)` or `(e & mask)` for unsigned types, or a cast.
    pub(crate) fn typed_bound(&mut self, int: Int, limit: i64) -> String {
        let ty = Ty::Int(int);
        let e = self
            .expr(&ty, Want::Typed, 1)
            .expect("an integer always has a typed form");
        if int.signed() {
            // Could be negative; loops over an empty range are fine.
            format!("({} % {limit})", e.at(prec::MUL))
        } else if self.rng.chance(50) {
            format!("({} % {limit})", e.at(prec::MUL))
        } else {
            let mask = (limit as u64).next_power_of_two() / 2 - 1;
            format!("({} & {mask})", e.at(prec::BITAND + 1))
        }
    }
}
