//! Function bodies: plain ones, recursive helpers (a depth parameter that every call
//! decreases, with a base case on the first line), and the value-semantics export that
//! returns an original and its changed copy.

use crate::context::{FnState, Func, Gen, Rec, MAX_REC_DEPTH, WORK_BUDGET};
use crate::types::Ty;

impl Gen<'_> {
    /// Writes every function's body, in order: each may call the ones before it.
    pub(crate) fn bodies(&mut self) {
        for index in 0..self.funcs.len() {
            if self.funcs[index].imported {
                continue;
            }
            self.body(index);
            // A recursive group's cost is known once its last member is written: each
            // round of recursion runs one member's body.
            if let Some(rec) = self.funcs[index].rec {
                if rec.partner <= index {
                    let first = rec.partner.min(index);
                    let per_round: u64 = (first..=index).map(|j| self.funcs[j].cost).sum();
                    let total = per_round * (MAX_REC_DEPTH as u64 + 1);
                    for j in first..=index {
                        self.funcs[j].cost = total;
                    }
                }
            }
        }
    }

    fn body(&mut self, index: usize) {
        let func = self.funcs[index].clone();
        let (callable, budget) = match func.rec {
            // Only functions before the group: recursion goes through the one call below.
            Some(rec) => (
                index.min(rec.partner),
                WORK_BUDGET / (MAX_REC_DEPTH as u64 + 1) / 2,
            ),
            None => (index, WORK_BUDGET),
        };
        self.f = FnState {
            callable,
            budget,
            ret: func.ret.clone(),
            scopes: vec![Vec::new()],
            indent: 1,
            mult: 1,
            concats: 1,
            stmts_left: self.config.size * 2 / 5
                + self.rng.below(u64::from(self.config.size / 2 + 1)) as u32,
            ..FnState::default()
        };
        for (i, (name, ty)) in func.params.iter().enumerate() {
            let mut var = self.new_var(name.clone(), ty.clone(), false);
            // The recursive call names the depth parameter, and a hand-back helper's
            // return its parameter: no `let` may hide them.
            var.keep = i == 0 && (func.rec.is_some() || func.hands_back) || ty.has_handle();
            var.lent = *ty == Ty::Borrow;
            self.bind(var);
        }
        if let Some(rec) = func.rec {
            self.recursive_body(&func, rec);
        } else if func.copies {
            self.copies_body(&func);
        } else if func.hands_back {
            self.hand_back_body(&func);
        } else {
            // Top-level statements until the budget runs out (blocks use some of it).
            self.stmts(usize::MAX, 3);
            self.final_return();
        }
        self.funcs[index].cost = self.f.cost;
        self.funcs[index].text = self.func_text(&func);
    }

    fn final_return(&mut self) {
        self.begin_stmt();
        match self.f.ret.clone() {
            Some(ret) => {
                let depth = self.expr_depth();
                let e = if ret.has_handle() {
                    self.return_holding(&ret, depth)
                } else {
                    self.expect(&ret, depth)
                };
                self.line(format!("return {};", e.text));
            }
            None => {
                if self.rng.chance(20) {
                    self.line("return;");
                }
            }
        }
        self.end_stmt();
    }

    fn recursive_body(&mut self, func: &Func, rec: Rec) {
        let depth_name = func.params[0].0.clone();
        let ret = func.ret.clone().expect("recursive helpers return a value");
        self.begin_stmt();
        let base = self.expect(&ret, 1);
        let test = if rec.depth_ty.signed() { "<=" } else { "==" };
        self.line(format!(
            "if {depth_name} {test} 0 {{ return {}; }}",
            base.text
        ));
        self.end_stmt();
        self.some_stmts(0, 2, 2);

        // The one recursive call. Its arguments hold no concatenation, so nothing doubles
        // from one level to the next.
        let partner = self.funcs[rec.partner].clone();
        self.begin_stmt();
        self.f.concats = 0;
        let mut args = vec![format!("{depth_name} - 1")];
        for (_, ty) in partner.params.iter().skip(1) {
            args.push(self.expect(ty, 1).text);
        }
        if partner.ret == func.ret && self.rng.chance(40) {
            // A tail call, which the optimizer turns into a loop: sometimes under a test
            // (the other path still makes the call below), sometimes in the accumulator
            // form `e op f(…)`.
            let call = format!("{}({})", partner.name, args.join(", "));
            let tail = if ret.is_int() && self.rng.chance(50) {
                let e = self.expect(&ret, 1);
                let op = ["+", "*", "&", "|", "^"][self.rng.below(5) as usize];
                format!("{} {op} {call}", e.text)
            } else {
                call
            };
            if self.rng.chance(50) {
                self.line(format!("return {tail};"));
                self.end_stmt();
                return;
            }
            let test = self.expect(&crate::types::Ty::Bool, 1);
            self.line(format!("if {} {{ return {tail}; }}", test.head()));
        }
        let result = self.names.fresh(&mut self.rng);
        let t = self
            .types
            .render(partner.ret.as_ref().expect("a value"), &mut self.rng);
        self.line(format!(
            "let {result}: {t} = {}({});",
            partner.name,
            args.join(", ")
        ));
        self.end_stmt();
        let var = self.new_var(result, partner.ret.clone().expect("a value"), false);
        self.bind(var);

        self.some_stmts(0, 3, 2);
        self.final_return();
    }

    /// `return p;`, `return some(p);` or `return {field: p, …};`, after at most one
    /// statement, so the helper is small enough to inline.
    fn hand_back_body(&mut self, func: &Func) {
        let (param, ty) = func.params[0].clone();
        self.some_stmts(0, 1, 0);
        self.begin_stmt();
        let ret = func
            .ret
            .clone()
            .expect("a hand-back helper returns a value");
        let value = if ret == ty {
            param
        } else if ret == Ty::option(ty.clone()) {
            format!("some({param})")
        } else {
            let fields = self
                .types
                .record_fields(&ret)
                .expect("a record holding the parameter")
                .to_vec();
            let mut placed = false;
            let parts: Vec<String> = fields
                .iter()
                .map(|(name, t)| {
                    if !placed && *t == ty {
                        placed = true;
                        format!("{name}: {param}")
                    } else {
                        format!("{name}: {}", self.expect(t, 1).text)
                    }
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        };
        self.line(format!("return {value};"));
        self.end_stmt();
    }

    fn copies_body(&mut self, func: &Func) {
        let (param, ty) = func.params[0].clone();
        let init = if self.rng.chance(70) {
            Some(param)
        } else {
            None
        };
        let via = self.hand_back_to(&ty).filter(|_| self.rng.chance(60));
        let (original, copy) = self.copy_pair(&ty, init, via.as_deref());
        self.some_stmts(0, 3, 2);
        let target = if self.rng.chance(65) {
            copy.clone()
        } else {
            original.clone()
        };
        if ty == Ty::Str && self.rng.chance(40) {
            self.append_run(&target);
        }
        for _ in 0..self.rng.range(1, 2) {
            self.change_heap(&target, &ty);
        }
        self.some_stmts(0, 2, 2);
        self.line(format!("return ({original}, {copy});"));
    }

    fn func_text(&mut self, func: &Func) -> String {
        let params: Vec<String> = func
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", self.types.render(t, &mut self.rng)))
            .collect();
        let ret = match &func.ret {
            Some(t) => format!(" -> {}", self.types.render(t, &mut self.rng)),
            None => String::new(),
        };
        let export = if func.exported { "export " } else { "" };
        let mut text = format!(
            "{export}func {}({}){ret} {{\n",
            func.name,
            params.join(", ")
        );
        for line in &self.f.lines {
            text.push_str(line);
            text.push('\n');
        }
        text.push('}');
        text
    }
}
