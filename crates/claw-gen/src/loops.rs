//! Loops, all of which provably end after few rounds: `for` over small ranges (including
//! inclusive ranges that end at a type's maximum), over lists and over `s.chars()`, and
//! `while`/`loop` driven by a counter that only the loop's first statement changes.
//! Bodies nest other loops and `break`/`continue` behind conditions.

use crate::context::{Gen, MULT_MAX, UNKNOWN_LEN};
use crate::expr::{prec, Want};
use crate::types::{Int, Ty};
use crate::wave;

impl Gen<'_> {
    /// Whether a loop of `rounds` rounds may open here.
    pub(crate) fn loop_fits(&self, rounds: u64) -> bool {
        let mult = self.f.mult * rounds.max(1);
        mult <= MULT_MAX && self.f.cost + mult * 4 <= self.f.budget
    }

    pub(crate) fn enter_loop(&mut self, rounds: u64) -> u64 {
        self.f.loops += 1;
        let label = self.f.pending_label.take();
        self.f.labels.push((label, true));
        let old = self.f.mult;
        self.f.mult = old * rounds.max(1);
        old
    }

    pub(crate) fn leave_loop(&mut self, old: u64) {
        self.f.loops -= 1;
        self.f.labels.pop();
        self.f.mult = old;
    }

    /// A loop's body: a few statements, often with a guarded `break` or `continue`.
    pub(crate) fn loop_body(&mut self, nest: u32) {
        let count = self.rng.range(1, 4) as u64;
        let jump_at = self.rng.chance(55).then(|| self.rng.below(count + 1));
        for i in 0..=count {
            if jump_at == Some(i) {
                self.jump_stmt(i == count);
            }
            if i < count {
                self.stmts(1, nest - 1);
            }
        }
    }

    /// Binds a loop's variable in the (already open) body scope.
    fn bind_loop_var(&mut self, name: &str, ty: Ty) -> u32 {
        let var = self.new_var(name.to_string(), ty, false);
        let id = var.id;
        self.bind(var);
        id
    }

    pub(crate) fn for_range(&mut self, nest: u32) {
        let name = self.names.fresh(&mut self.rng);
        let dots = if self.rng.chance(30) { "..=" } else { ".." };
        let extra = u64::from(dots == "..=");
        let mark = self.pin_mark();
        self.begin_stmt();
        self.f.in_head = true;
        let mut pair = None;
        let (head, ty, rounds) = match self.rng.below(6) {
            // Literal bounds: the variable is a `u32`.
            0 | 1 => {
                let start = self.rng.range(0, 3);
                let end = start + self.rng.range(0, 7);
                (
                    format!("{start}{dots}{end}"),
                    Ty::Int(Int::U32),
                    (end - start) as u64 + extra,
                )
            }
            // A literal start and a typed end take the end's type.
            2 => {
                let int = self.int_type();
                let start = if int.signed() {
                    self.rng.range(-3, 2)
                } else {
                    self.rng.range(0, 2)
                };
                let start_text = self.number(i128::from(start)).text;
                let end = self.typed_bound(int, 8);
                (format!("{start_text}{dots}{end}"), Ty::Int(int), 16 + extra)
            }
            // A typed start gives its type to the end.
            3 => {
                let int = self.int_type();
                let start = self.typed_bound(int, 4);
                let end = wave::small_int(&mut self.rng, int).abs() % 8;
                let end = self.number(end);
                (
                    format!("{start}{dots}{}", end.at(prec::UNARY)),
                    Ty::Int(int),
                    12 + extra,
                )
            }
            // Up to the type's maximum (inclusive): a loop that must not wrap around.
            4 => {
                let int = self.int_type();
                let hi = self.names.fresh(&mut self.rng);
                let max = int.max();
                let back = i128::from(self.rng.range(0, 4));
                self.line(format!("let {hi}: {} = {max};", int.name()));
                let start = self.number(max - back);
                (
                    format!("{}..={hi}", start.text),
                    Ty::Int(int),
                    back as u64 + 1,
                )
            }
            // Over a list's indices: `xs[i]` is in bounds inside when `xs` cannot change.
            _ => {
                let lists: Vec<_> = self
                    .visible()
                    .into_iter()
                    .filter(|v| matches!(v.ty, Ty::List(_)) && !v.soft)
                    .collect();
                if lists.is_empty() {
                    (format!("0{dots}3"), Ty::Int(Int::U32), 3 + extra)
                } else {
                    let list = self.rng.pick(&lists).clone();
                    if !list.mutable {
                        pair = Some(list.id);
                    }
                    (
                        format!("0..{}.len()", list.name),
                        Ty::Int(Int::U32),
                        UNKNOWN_LEN,
                    )
                }
            }
        };
        self.f.in_head = false;
        if !self.loop_fits(rounds) {
            // The head is not written, so neither are the uses in its bounds.
            self.unpin_since(mark);
            self.end_stmt();
            return self.let_or_assign();
        }
        self.open(format!("for {name} in {head} {{"));
        self.end_stmt();
        let id = self.bind_loop_var(&name, ty);
        if let Some(list) = pair {
            self.f.index_pairs.push((list, id));
        }
        let old = self.enter_loop(rounds);
        self.loop_body(nest);
        self.leave_loop(old);
        if pair.is_some() {
            self.f.index_pairs.pop();
        }
        self.close();
        self.line("}");
    }

    /// A fallback when a loop would cost too much here.
    fn let_or_assign(&mut self) {
        self.stmts(1, 0);
    }

    pub(crate) fn for_list(&mut self, nest: u32) {
        let elem = if self.rng.chance(50) {
            Ty::Int(self.int_type())
        } else {
            self.local_type()
        };
        let list_ty = Ty::list(elem.clone());
        let mark = self.pin_mark();
        self.begin_stmt();
        self.f.in_head = true;
        let depth = self.expr_depth();
        let iter = self.expr(&list_ty, Want::Free, depth);
        self.f.in_head = false;
        let Some(iter) = iter else {
            self.end_stmt();
            return self.let_or_assign();
        };
        let rounds = iter.items.map_or(UNKNOWN_LEN, u64::from);
        if !self.loop_fits(rounds) {
            self.unpin_since(mark);
            self.end_stmt();
            return self.let_or_assign();
        }
        let name = self.names.fresh(&mut self.rng);
        self.open(format!("for {name} in {} {{", iter.head()));
        self.end_stmt();
        self.bind_loop_var(&name, elem);
        let old = self.enter_loop(rounds);
        self.loop_body(nest);
        self.leave_loop(old);
        self.close();
        self.line("}");
    }

    pub(crate) fn for_chars(&mut self, nest: u32) {
        if !self.loop_fits(UNKNOWN_LEN) {
            return self.let_or_assign();
        }
        self.begin_stmt();
        self.f.in_head = true;
        let depth = self.expr_depth();
        let s = self.expr(&Ty::Str, Want::Free, depth);
        self.f.in_head = false;
        let Some(s) = s else {
            self.end_stmt();
            return self.let_or_assign();
        };
        let name = self.names.fresh(&mut self.rng);
        self.open(format!("for {name} in {}.chars() {{", s.base()));
        self.end_stmt();
        self.bind_loop_var(&name, Ty::Char);
        let old = self.enter_loop(UNKNOWN_LEN);
        self.loop_body(nest);
        self.leave_loop(old);
        self.close();
        self.line("}");
    }

    pub(crate) fn while_loop(&mut self, nest: u32) {
        let bound = self.rng.range(1, 8);
        if !self.loop_fits(bound as u64 + 1) {
            return self.let_or_assign();
        }
        let count_down = self.rng.chance(25);
        let inferred = !count_down && self.rng.chance(25);
        let (name, int, step) = if inferred {
            // `let mut k = 0;` whose type is pinned by the condition's typed bound.
            let int = self.int_type();
            let name = self.names.fresh(&mut self.rng);
            self.line(format!("let mut {name} = 0;"));
            let mut var = self.new_var(name.clone(), Ty::Int(int), true);
            var.counter = true;
            var.flex = int == Int::S32;
            // Until the condition pins it, it must not appear in its own bound.
            var.soft = true;
            let id = var.id;
            self.bind(var);
            self.soft_counter = Some(id);
            (name, int, "+= 1")
        } else if count_down {
            let (name, int) = self.counter(i128::from(bound));
            (name, int, "-= 1")
        } else {
            let (name, int) = self.counter(0);
            (name, int, "+= 1")
        };
        self.begin_stmt();
        self.f.in_head = true;
        let mut cond = if inferred {
            let bound = self.typed_bound(int, bound + 1);
            if let Some(id) = self.soft_counter.take() {
                self.pin(id);
            }
            format!("{name} < {bound}")
        } else if count_down {
            format!("{name} > 0")
        } else {
            format!("{name} < {bound}")
        };
        if self.rng.chance(25) {
            let extra = self.expect(&Ty::Bool, 1);
            cond = format!("{cond} && {}", extra.at(prec::AND + 1));
            if extra.brace {
                cond = format!("({cond})");
            }
        }
        self.f.in_head = false;
        self.open(format!("while {cond} {{"));
        self.end_stmt();
        let old = self.enter_loop(bound as u64 + 1);
        self.begin_stmt();
        self.line(format!("{name} {step};"));
        self.end_stmt();
        self.loop_body(nest);
        self.leave_loop(old);
        self.close();
        self.line("}");
    }

    pub(crate) fn loop_loop(&mut self, nest: u32) {
        let bound = self.rng.range(1, 8);
        if !self.loop_fits(bound as u64 + 1) {
            return self.let_or_assign();
        }
        let (name, _) = self.counter(0);
        self.open("loop {".into());
        let old = self.enter_loop(bound as u64 + 1);
        self.begin_stmt();
        if self.rng.chance(50) {
            self.line(format!("if {name} >= {bound} {{ break; }}"));
            self.line(format!("{name} += 1;"));
        } else {
            self.line(format!("{name} += 1;"));
            self.line(format!("if {name} > {bound} {{ break; }}"));
        }
        self.end_stmt();
        self.loop_body(nest);
        self.leave_loop(old);
        self.close();
        self.line("}");
    }

    /// A list declared inside a loop's body and grown past 100 elements there, every round.
    pub(crate) fn list_in_loop(&mut self) {
        let outer = self.rng.range(2, 4) as u64;
        let inner = self.rng.range(101, 130);
        if !self.loop_fits(outer * inner as u64) {
            return self.let_or_assign();
        }
        let elem = if self.rng.chance(60) {
            Ty::Int(self.int_type())
        } else {
            self.local_type()
        };
        let acc = self.names.fresh(&mut self.rng);
        self.line(format!("let mut {acc}: u32 = 0;"));
        let var = self.new_var(acc.clone(), Ty::Int(Int::U32), true);
        self.bind(var);
        let round = self.names.fresh(&mut self.rng);
        self.open(format!("for {round} in 0..{outer} {{"));
        self.bind_loop_var(&round, Ty::Int(Int::U32));
        let old_outer = self.enter_loop(outer);
        let buf = self.names.fresh(&mut self.rng);
        let t = self.types.render(&Ty::list(elem.clone()), &mut self.rng);
        self.line(format!("let mut {buf}: {t} = [];"));
        let step = self.names.fresh(&mut self.rng);
        let use_while = self.rng.chance(35);
        if use_while {
            self.line(format!("let mut {step}: u32 = 0;"));
            self.open(format!("while {step} < {inner} {{"));
            self.line(format!("{step} += 1;"));
        } else {
            self.open(format!("for {step} in 0..{inner} {{"));
        }
        let mut counter = self.new_var(step.clone(), Ty::Int(Int::U32), use_while);
        counter.counter = true;
        self.bind(counter);
        let old_inner = self.enter_loop(inner as u64);
        self.begin_stmt();
        let value = self.expect(&elem, 1);
        self.line(format!("{buf}.push({});", value.text));
        self.end_stmt();
        self.leave_loop(old_inner);
        self.close();
        self.line("}");
        let var = self.new_var(buf.clone(), Ty::list(elem), true);
        self.bind(var);
        self.begin_stmt();
        self.line(format!("{acc} += {buf}.len();"));
        self.end_stmt();
        self.stmts(1, 0);
        self.leave_loop(old_outer);
        self.close();
        self.line("}");
    }
}
