//! Statements written in the shapes the optimizer's passes look for (see
//! `claw-compiler/src/opt/` and `tests/ir/`), so that each pass meets both the code it
//! rewrites and the near misses it must leave alone: appends to a string in a loop, with a
//! copy read out before them; `while i < xs.len()` loops whose bodies change the list
//! partway; values handed back by a helper and then changed in the caller; locals bound
//! to constants, tests on constants and operators on literals (some of which trap or
//! wrap); `match` on cases with a catch-all; copies out of `mut` locals that are or are not
//! read again; calls that are a statement's whole value; and lists filled by one `push` a
//! round, then read at indexes below the round count.

use crate::context::{Gen, MapKind, HEAP_CAP, UNKNOWN_LEN};
use crate::expr::prec;
use crate::stmt::Place;
use crate::types::{Int, Ty};
use crate::wave;

impl Gen<'_> {
    /// One statement (or a few lines) in one of the shapes above.
    pub(crate) fn shape_stmt(&mut self, nest: u32) {
        let can_loop = nest > 0 && self.f.loops < 3;
        match self.rng.weighted(&[5, 4, 3, 4, 4, 3, 3, 3, 2]) {
            0 => self.append_shape(),
            8 if can_loop => self.map_shape(),
            1 if can_loop => self.index_loop(nest),
            7 if can_loop => self.filled_shape(),
            2 if nest > 0 => self.index_if(),
            3 => self.hand_back_shape(),
            4 => self.constant_shape(nest),
            5 if nest > 0 => self.switch_shape(nest),
            6 => self.move_shape(),
            _ => self.call_shape(),
        }
    }

    /// The name of a helper callable here that hands back a `ty` as it is.
    pub(crate) fn hand_back_to(&mut self, ty: &Ty) -> Option<String> {
        let names: Vec<String> = (0..self.f.callable)
            .filter(|&j| {
                let f = &self.funcs[j];
                f.hands_back && f.params[0].1 == *ty && f.ret.as_ref() == Some(ty)
            })
            .map(|j| self.funcs[j].name.clone())
            .collect();
        if names.is_empty() {
            None
        } else {
            Some(self.rng.pick(&names).clone())
        }
    }

    /// A string to append: a literal, a variable or a field, never a concatenation.
    fn piece(&mut self) -> String {
        let concats = self.f.concats;
        self.f.concats = 0;
        let e = self.expect(&Ty::Str, 0);
        self.f.concats = concats;
        e.at(prec::ADD + 1)
    }

    /// Appends to a string place, in a loop or in a row: `s = s + e;`, `s = s + a + b;`,
    /// `s += e;`. Sometimes a copy of the string is read out first and appended to as well,
    /// and the two are compared afterwards.
    fn append_shape(&mut self) {
        let place = match self.rng.below(10) {
            0..=3 => None,
            _ => {
                let places: Vec<Place> = self
                    .all_places()
                    .into_iter()
                    .filter(|p| p.ty == Ty::Str)
                    .collect();
                if places.is_empty() {
                    None
                } else {
                    Some(self.rng.pick(&places).clone())
                }
            }
        };
        let place = match place {
            Some(place) => place,
            None => self.fresh_string_place(),
        };
        let snapshot = (place.guard.is_none() && self.rng.chance(50)).then(|| {
            let name = self.names.fresh(&mut self.rng);
            let mutable = self.rng.chance(60);
            let kw = if mutable { "let mut" } else { "let" };
            self.begin_stmt();
            self.line(format!("{kw} {name} = {};", place.path));
            self.end_stmt();
            let mut var = self.new_var(name.clone(), Ty::Str, mutable);
            var.keep = true;
            self.bind(var);
            (name, mutable)
        });
        let also = snapshot
            .as_ref()
            .filter(|(_, mutable)| *mutable)
            .map(|(name, _)| Place {
                path: name.clone(),
                ty: Ty::Str,
                guard: None,
                global: false,
            });
        self.appends(&place, also.as_ref());
        if let Some((name, _)) = snapshot {
            self.begin_stmt();
            let test = if self.rng.chance(50) { "==" } else { "!=" };
            let cond = format!("{name} {test} {}", place.path);
            match self.f.ret.clone() {
                Some(Ty::Str) if self.rng.chance(50) => {
                    let guard = Self::join_guards(place.guard.clone(), Some(cond));
                    self.line(format!(
                        "if {} {{ return {name}; }}",
                        guard.expect("a condition")
                    ));
                }
                _ => {
                    let flag = self.names.fresh(&mut self.rng);
                    self.line(format!("let {flag} = {cond};"));
                    let var = self.new_var(flag, Ty::Bool, false);
                    self.bind(var);
                }
            }
            self.end_stmt();
        }
    }

    /// A new `mut` local holding a string: the string itself, a list of strings (the
    /// place is an element known to exist), or a record with a string field.
    fn fresh_string_place(&mut self) -> Place {
        let records: Vec<(Ty, String)> = (0..self.types.decls.len())
            .map(Ty::Named)
            .filter_map(|t| {
                let field = self
                    .types
                    .record_fields(&t)?
                    .iter()
                    .find(|(_, f)| *f == Ty::Str)?
                    .0
                    .clone();
                Some((t, field))
            })
            .collect();
        let name = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        let (ty, path) = match self.rng.below(3) {
            1 if !records.is_empty() => {
                let (ty, field) = self.rng.pick(&records).clone();
                let init = self.expect(&ty, 1);
                let t = self.types.render(&ty, &mut self.rng);
                self.line(format!("let mut {name}: {t} = {};", init.text));
                (ty, format!("{name}.{field}"))
            }
            2 => {
                let len = self.rng.range(1, 3);
                let items: Vec<String> = (0..len).map(|_| self.expect(&Ty::Str, 0).text).collect();
                let ty = Ty::list(Ty::Str);
                let t = self.types.render(&ty, &mut self.rng);
                self.line(format!("let mut {name}: {t} = [{}];", items.join(", ")));
                let index = self.rng.range(0, len - 1);
                (ty, format!("{name}[{index}]"))
            }
            _ => {
                let init = self.expect(&Ty::Str, 0);
                if self.rng.chance(50) {
                    self.line(format!("let mut {name} = {};", init.text));
                } else {
                    self.line(format!("let mut {name}: string = {};", init.text));
                }
                (Ty::Str, name.clone())
            }
        };
        self.end_stmt();
        let var = self.new_var(name, ty, true);
        self.bind(var);
        Place {
            path,
            ty: Ty::Str,
            guard: None,
            global: false,
        }
    }

    /// A short run of appends to `place` (and, interleaved, to `also`), often in a loop of
    /// its own. The loop's body holds nothing else, so an element place stays in bounds.
    fn appends(&mut self, place: &Place, also: Option<&Place>) {
        let rounds = self.rng.range(1, 5) as u64;
        let looped = self.rng.chance(70) && self.loop_fits(rounds);
        let mut old = None;
        if looped {
            let k = self.names.fresh(&mut self.rng);
            self.open(format!("for {k} in 0..{rounds} {{"));
            let var = self.new_var(k, Ty::Int(Int::U32), false);
            self.bind(var);
            old = Some(self.enter_loop(rounds));
        }
        for _ in 0..self.rng.range(1, 3) {
            self.append_one(place);
            if let Some(also) = also {
                if self.rng.chance(60) {
                    self.append_one(also);
                }
            }
        }
        if let Some(old) = old {
            self.leave_loop(old);
            self.close();
            self.line("}");
        }
    }

    /// One append to `place`, behind its guards.
    fn append_one(&mut self, place: &Place) {
        self.begin_stmt();
        let path = &place.path;
        let stmt = match self.rng.below(3) {
            0 => format!("{path} = {path} + {};", self.piece()),
            1 => {
                let a = self.piece();
                let b = self.piece();
                format!("{path} = {path} + {a} + {b};")
            }
            _ => format!("{path} += {};", self.piece()),
        };
        let growth =
            Some(format!("{path}.len() < {HEAP_CAP}")).filter(|_| self.f.loops > 0 || place.global);
        let guard = Self::join_guards(place.guard.clone(), growth);
        self.guarded(guard.as_deref(), stmt);
        self.end_stmt();
    }

    /// Appends to the string variable `name` in a loop of their own.
    pub(crate) fn append_run(&mut self, name: &str) {
        let place = Place {
            path: name.to_string(),
            ty: Ty::Str,
            guard: None,
            global: false,
        };
        self.appends(&place, None);
    }

    /// A list in scope, or a new one.
    fn some_list(&mut self) -> (String, Ty, bool) {
        let lists: Vec<_> = self
            .visible()
            .into_iter()
            .filter(|v| matches!(v.ty, Ty::List(_)) && !v.soft)
            .collect();
        if !lists.is_empty() && self.rng.chance(60) {
            let var = self.rng.pick(&lists).clone();
            return (var.name, var.ty, var.mutable);
        }
        let elem = if self.rng.chance(60) {
            Ty::Int(self.int_type())
        } else {
            self.local_type()
        };
        let ty = Ty::list(elem);
        let mutable = self.rng.chance(60);
        let name = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        let init = self.expect(&ty, 1);
        let t = self.types.render(&ty, &mut self.rng);
        let kw = if mutable { "let mut" } else { "let" };
        self.line(format!("{kw} {name}: {t} = {};", init.text));
        self.end_stmt();
        let mut var = self.new_var(name.clone(), ty.clone(), mutable);
        var.min_len = init.items.unwrap_or(0);
        self.bind(var);
        (name, ty, mutable)
    }

    /// Reads of `xs[i]`, known to be in bounds: into a new local, and into an accumulator
    /// when there is one.
    fn read_element(&mut self, xs: &str, i: &str, elem: &Ty, acc: Option<&str>) {
        self.begin_stmt();
        match acc {
            Some(acc) if self.rng.chance(60) => self.line(format!("{acc} += {xs}[{i}];")),
            _ => {
                let name = self.names.fresh(&mut self.rng);
                self.line(format!("let {name} = {xs}[{i}];"));
                let var = self.new_var(name, elem.clone(), false);
                self.bind(var);
            }
        }
        self.end_stmt();
    }

    /// `while i < xs.len() { … xs[i] … i += 1; }`, sometimes pushing to or popping `xs`
    /// partway, after which a read needs its own test again.
    fn index_loop(&mut self, nest: u32) {
        if !self.loop_fits(UNKNOWN_LEN) {
            return self.let_stmt();
        }
        let (xs, ty, mutable) = self.some_list();
        let Ty::List(elem) = ty else {
            unreachable!("a list")
        };
        let acc = match *elem {
            Ty::Int(int) => {
                let name = self.names.fresh(&mut self.rng);
                self.begin_stmt();
                self.line(format!("let mut {name}: {} = 0;", int.name()));
                self.end_stmt();
                let mut var = self.new_var(name.clone(), Ty::Int(int), true);
                var.keep = true;
                self.bind(var);
                Some(name)
            }
            _ => None,
        };
        let i = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        if self.rng.chance(30) {
            // Typed by the comparison with the length.
            self.line(format!("let mut {i} = 0;"));
        } else {
            self.line(format!("let mut {i}: u32 = 0;"));
        }
        self.end_stmt();
        let mut counter = self.new_var(i.clone(), Ty::Int(Int::U32), true);
        counter.counter = true;
        self.bind(counter);
        self.begin_stmt();
        self.open(format!("while {i} < {xs}.len() {{"));
        self.end_stmt();
        let old = self.enter_loop(UNKNOWN_LEN);
        let step_last = self.f.step_last;
        self.f.step_last = self.f.loops;
        if let Some(this) = self.f.labels.last_mut() {
            this.1 = false;
        }
        for _ in 0..self.rng.range(1, 2) {
            self.read_element(&xs, &i, &elem, acc.as_deref());
        }
        if mutable && self.rng.chance(50) {
            self.begin_stmt();
            if self.rng.chance(50) {
                let v = self.expect(&elem, 1);
                self.line(format!(
                    "if {xs}.len() < {HEAP_CAP} {{ {xs}.push({}); }}",
                    v.text
                ));
            } else {
                self.line(format!("{xs}.pop();"));
            }
            self.end_stmt();
            self.open(format!("if {i} < {xs}.len() {{"));
            self.read_element(&xs, &i, &elem, acc.as_deref());
            self.close();
            self.line("}");
        }
        self.some_stmts(0, 2, nest - 1);
        self.begin_stmt();
        self.line(format!("{i} += 1;"));
        self.end_stmt();
        self.f.step_last = step_last;
        self.leave_loop(old);
        self.close();
        self.line("}");
    }

    /// `let mut xs = []; for _ in 0..c { xs.push(…); }` then reads of `xs[i]` for `i < c`
    /// (`for i in 0..c`, or a `u64` cursor tested against `c as u64`), which the length
    /// proves in bounds. Near misses keep their checks, and their reads may trap: a round
    /// that skips its push, a `pop` after the filling, a count that grows while filling.
    fn filled_shape(&mut self) {
        let rounds = self.rng.range(0, 6) as u64;
        if !self.loop_fits(2 * rounds + 1) {
            return self.let_stmt();
        }
        let int = self.int_type();
        let elem = Ty::Int(int);
        let [xs, count, acc] = [(); 3].map(|_| self.names.fresh(&mut self.rng));
        let miss = self.rng.below(8);
        self.begin_stmt();
        self.line(format!("let mut {count}: u32 = {rounds};"));
        self.line(format!("let mut {xs}: list<{}> = [];", int.name()));
        self.line(format!("let mut {acc}: {} = 0;", int.name()));
        self.end_stmt();
        self.begin_stmt();
        self.open(format!("for _ in 0..{count} {{"));
        self.end_stmt();
        let old = self.enter_loop(rounds);
        self.begin_stmt();
        if miss == 0 {
            self.line(format!("if {xs}.len() == 1 {{ continue; }}"));
        }
        let value = self.expect(&elem, 1);
        self.line(format!("{xs}.push({});", value.text));
        if miss == 1 {
            self.line(format!("{count} += 1;"));
        }
        self.end_stmt();
        self.leave_loop(old);
        self.close();
        self.line("}");
        if miss == 2 {
            self.line(format!("{xs}.pop();"));
        }
        self.begin_stmt();
        if self.rng.chance(50) {
            self.open(format!("for i in 0..{count} {{"));
            let old = self.enter_loop(2 * rounds);
            self.line(format!("{acc} = {acc} ^ {xs}[i];"));
            self.leave_loop(old);
        } else {
            let j = self.names.fresh(&mut self.rng);
            self.line(format!("let mut {j}: u64 = 0;"));
            self.open(format!("while {j} < {count} as u64 {{"));
            let old = self.enter_loop(2 * rounds);
            self.line(format!("{acc} = {acc} ^ {xs}[{j} as u32];"));
            self.line(format!("{j} += 1;"));
            self.leave_loop(old);
        }
        self.close();
        self.line("}");
        self.end_stmt();
        let mut var = self.new_var(acc, elem, true);
        var.keep = true;
        self.bind(var);
    }

    /// The key and value types of a map, with keys made from a round number so that they
    /// repeat (`spread` distinct ones). A `u64` key differs only above bit 32: a hash must
    /// see those bits.
    pub(crate) fn map_kind(&mut self) -> MapKind {
        let spread = self.rng.range(1, 7);
        let (key, make, fold): (&'static str, String, fn(&str) -> String) = match self.rng.below(6)
        {
            0 => ("u8", format!("(# % {spread}) as u8"), |k| {
                format!("{k} as u32")
            }),
            1 => ("s64", format!("(# % {spread}) as s64 - 3"), |k| {
                format!("{k} as u32")
            }),
            2 => (
                "u64",
                format!("(# % {spread}) as u64 * 4294967296 + 7"),
                |k| format!("({k} >> 32) as u32"),
            ),
            3 => ("string", format!("(# % {spread}).to-string()"), |k| {
                format!("{k}.len()")
            }),
            4 => (
                "char",
                format!("['a', 'ß', '√', 'z', '0', ' '][# % {}]", spread.min(6)),
                |k| format!("{k}.code()"),
            ),
            _ => ("bool", "# % 2 == 0".to_string(), |k| {
                format!("match {k} {{ true => 7, false => 3 }}")
            }),
        };
        MapKind {
            key,
            make,
            fold,
            strings: self.rng.chance(40),
        }
    }

    /// A map literal of `kind` with up to three entries, keys maybe repeated; constants
    /// only when `constant` (a global's).
    pub(crate) fn map_literal(&mut self, kind: &MapKind, constant: bool) -> String {
        let mut entries = Vec::new();
        for n in 0..self.rng.below(4) {
            let key = kind.key_at(&(n * 2).to_string());
            let value = if constant {
                match kind.strings {
                    true => format!("\"v{}\"", self.rng.below(100)),
                    false => self.rng.below(1000).to_string(),
                }
            } else {
                let ty = if kind.strings {
                    Ty::Str
                } else {
                    Ty::Int(Int::U32)
                };
                self.expect(&ty, 1).text
            };
            // A global's key is a constant: the round folded in, no `%` left to compute.
            let key = if constant {
                self.constant_key(kind, n * 2)
            } else {
                key
            };
            entries.push(format!("({key}): {value}"));
        }
        format!("{{{}}}", entries.join(", "))
    }

    /// The key of round `n` as a literal.
    fn constant_key(&mut self, kind: &MapKind, n: u64) -> String {
        match kind.key {
            "string" => format!("\"{}\"", n % 7),
            "char" => format!("'{}'", ['a', 'ß', '√', 'z', '0', ' '][n as usize % 6]),
            "bool" => n.is_multiple_of(2).to_string(),
            "s64" => format!("{}", n as i64 % 5 - 3),
            "u64" => format!("{}", (n % 5) * 4_294_967_296 + 7),
            _ => format!("{}", n % 5),
        }
    }

    /// A map filled, searched, changed and emptied in a loop, then walked in insertion order
    /// into a `u32` that later code reads: a local map, or the program's global one.
    fn map_shape(&mut self) {
        let rounds = self.rng.range(0, 14) as u64;
        if !self.loop_fits(rounds + 1) {
            return self.let_stmt();
        }
        let [acc, i, e, was, v] = [(); 5].map(|_| self.names.fresh(&mut self.rng));
        self.begin_stmt();
        let (m, kind) = match self.map_global.clone() {
            Some((name, kind, _)) if self.rng.chance(40) => (name, kind),
            _ => {
                let m = self.names.fresh(&mut self.rng);
                let kind = self.map_kind();
                let literal = self.map_literal(&kind, false);
                self.line(format!(
                    "let mut {m}: map<{}, {}> = {literal};",
                    kind.key,
                    kind.value()
                ));
                (m, kind)
            }
        };
        let value_ty = if kind.strings {
            Ty::Str
        } else {
            Ty::Int(Int::U32)
        };
        self.line(format!("let mut {acc}: u32 = {m}.len();"));
        self.end_stmt();
        self.begin_stmt();
        self.open(format!("for {i} in 0..{rounds} {{"));
        self.end_stmt();
        let old = self.enter_loop(rounds);
        for _ in 0..self.rng.range(1, 4) {
            self.begin_stmt();
            let k = kind.key_at(&i);
            match self.rng.below(6) {
                0 | 1 => {
                    let value = self.expect(&value_ty, 1).text;
                    self.open(format!("match {m}.insert({k}, {value}) {{"));
                    self.line(format!(
                        "some({was}) => {{ {acc} = {acc} * 3 + {}; }}",
                        kind.value_fold(&was)
                    ));
                    self.line("none => {}");
                    self.close();
                    self.line("}");
                }
                2 => {
                    self.open(format!("match {m}.remove({k}) {{"));
                    self.line(format!(
                        "some({was}) => {{ {acc} = {acc} * 5 + {}; }}",
                        kind.value_fold(&was)
                    ));
                    self.line(format!("none => {{ {acc} += 1; }}"));
                    self.close();
                    self.line("}");
                }
                3 => self.line(format!(
                    "if {m}.contains-key({k}) {{ {acc} += {m}.len(); }}"
                )),
                4 if self.rng.chance(30) => self.line(format!(
                    "{acc} += {};",
                    kind.value_fold(&format!("{m}[{k}]"))
                )),
                _ => {
                    self.open(format!("if let some({v}) = {m}.get({k}) {{"));
                    self.line(format!("{acc} = {acc} ^ {};", kind.value_fold(&v)));
                    self.close();
                    self.line("}");
                }
            }
            self.end_stmt();
        }
        self.leave_loop(old);
        self.close();
        self.line("}");
        self.begin_stmt();
        self.open(format!("for {e} in {m} {{"));
        let old = self.enter_loop(rounds + 4);
        self.line(format!(
            "{acc} = {acc} * 31 + {} + {};",
            (kind.fold)(&format!("{e}.0")),
            kind.value_fold(&format!("{e}.1"))
        ));
        self.leave_loop(old);
        self.close();
        self.line("}");
        self.end_stmt();
        let mut var = self.new_var(acc, Ty::Int(Int::U32), true);
        var.keep = true;
        self.bind(var);
    }

    /// `if i < xs.len() { … xs[i] … }` with `i` any `u32` in scope; sometimes the element is
    /// read on the right of the test's `&&` too (where the test proves it in bounds), or an
    /// element past it is (where it does not).
    fn index_if(&mut self) {
        let indexes: Vec<String> = self
            .visible()
            .into_iter()
            .filter(|v| v.ty == Ty::Int(Int::U32) && !v.soft)
            .map(|v| v.name)
            .collect();
        if indexes.is_empty() {
            return self.let_stmt();
        }
        let i = self.rng.pick(&indexes).clone();
        let (xs, ty, _) = self.some_list();
        let Ty::List(elem) = ty else {
            unreachable!("a list")
        };
        self.begin_stmt();
        let test = match self.rng.range(0, 4) {
            0 if matches!(*elem, Ty::Int(_)) => format!("{i} < {xs}.len() && {xs}[{i}] >= {xs}[0]"),
            1 if matches!(*elem, Ty::Int(_)) => {
                format!("{i} < {xs}.len() && {xs}[{i} / 2 + 1] != {xs}[{i}]")
            }
            _ => format!("{i} < {xs}.len()"),
        };
        self.open(format!("if {test} {{"));
        self.end_stmt();
        self.read_element(&xs, &i, &elem, None);
        self.some_stmts(0, 1, 0);
        self.close();
        self.line("}");
    }

    /// A `mut` value passed to a helper that hands it back, then changed in place; the
    /// result kept from before the change is compared with it.
    fn hand_back_shape(&mut self) {
        let helpers: Vec<usize> = (0..self.f.callable)
            .filter(|&j| self.funcs[j].hands_back)
            .collect();
        if helpers.is_empty() {
            return self.move_shape();
        }
        let func = self.funcs[*self.rng.pick(&helpers)].clone();
        let ty = func.params[0].1.clone();
        let ret = func.ret.clone().expect("a value");
        let a = self.names.fresh(&mut self.rng);
        let r = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        self.f.pending += func.cost;
        let init = self.expect(&ty, 1);
        let t = self.types.render(&ty, &mut self.rng);
        self.line(format!("let mut {a}: {t} = {};", init.text));
        let r_mutable = self.rng.chance(50);
        if r_mutable {
            let rt = self.types.render(&ret, &mut self.rng);
            self.line(format!("let mut {r}: {rt} = {}({a});", func.name));
        } else {
            self.line(format!("let {r} = {}({a});", func.name));
        }
        self.end_stmt();
        for (name, t, mutable) in [(&a, &ty, true), (&r, &ret, r_mutable)] {
            let mut var = self.new_var(name.clone(), t.clone(), mutable);
            var.keep = true;
            self.bind(var);
        }
        for _ in 0..self.rng.range(1, 2) {
            self.change_in_place(&a, &ty);
        }
        // The kept result against the changed argument.
        let other = if ret == ty {
            a.clone()
        } else if ret == Ty::option(ty.clone()) {
            format!("some({a})")
        } else {
            let field = self
                .types
                .record_fields(&ret)
                .and_then(|fields| fields.iter().find(|(_, t)| *t == ty))
                .map(|(name, _)| name.clone())
                .expect("a record holding the argument");
            return self.compare_kept(&format!("{r}.{field}"), &a, &ty);
        };
        self.compare_kept(&r, &other, &ret);
    }

    /// `if kept == changed { … }`, or an early return of `kept`, or a flag.
    fn compare_kept(&mut self, kept: &str, changed: &str, ty: &Ty) {
        self.begin_stmt();
        let test = if self.rng.chance(50) { "==" } else { "!=" };
        let cond = format!("{kept} {test} {changed}");
        if self.f.ret.as_ref() == Some(ty) && self.rng.chance(50) {
            self.line(format!("if {cond} {{ return {kept}; }}"));
        } else {
            let flag = self.names.fresh(&mut self.rng);
            self.line(format!("let {flag} = {cond};"));
            let var = self.new_var(flag, Ty::Bool, false);
            self.bind(var);
        }
        self.end_stmt();
    }

    /// Changes the `mut` variable `name` in place: an element, a push, or `+=`.
    fn change_in_place(&mut self, name: &str, ty: &Ty) {
        match ty {
            Ty::List(elem) if self.rng.chance(40) => {
                self.begin_stmt();
                let v = self.expect(elem, 1);
                self.line(format!("if {name}.len() > 0 {{ {name}[0] = {}; }}", v.text));
                self.end_stmt();
            }
            _ => self.change_heap(name, ty),
        }
    }

    /// Locals bound once to constants and used in arithmetic, operators on literals
    /// (wrapping at narrow widths, and now and then dividing by zero), tests on constants,
    /// and concatenated string literals.
    fn constant_shape(&mut self, nest: u32) {
        match self.rng.below(4) {
            0 => {
                self.begin_stmt();
                let name = self.names.fresh(&mut self.rng);
                let a = wave::string_value(&mut self.rng);
                let a = wave::claw_string(&mut self.rng, &a);
                let b = wave::string_value(&mut self.rng);
                let b = wave::claw_string(&mut self.rng, &b);
                self.line(format!("let {name} = {a} + {b};"));
                self.end_stmt();
                let var = self.new_var(name, Ty::Str, false);
                self.bind(var);
            }
            1 if nest > 0 => {
                let int = self.int_type();
                let k = self.constant_local(int);
                let v = self.constant_value(int);
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let cond = match self.rng.below(3) {
                    0 => if self.rng.chance(50) { "true" } else { "false" }.to_string(),
                    1 => {
                        let a = self.rng.range(0, 9);
                        let b = self.rng.range(0, 9);
                        format!("{a} {op} {b}")
                    }
                    _ => format!("{k} {op} {}", wave::int_text(&mut self.rng, v)),
                };
                self.begin_stmt();
                self.open(format!("if {cond} {{"));
                self.end_stmt();
                self.some_stmts(1, 2, nest - 1);
                self.close();
                if self.rng.chance(50) {
                    self.open("} else {".into());
                    self.some_stmts(1, 2, nest - 1);
                    self.close();
                }
                self.line("}");
            }
            _ => {
                let int = self.int_type();
                let k = self.constant_local(int);
                let ty = Ty::Int(int);
                let (op, p) = *self.rng.pick(&[
                    ("+", prec::ADD),
                    ("-", prec::ADD),
                    ("*", prec::MUL),
                    ("/", prec::MUL),
                    ("%", prec::MUL),
                    ("<<", prec::SHIFT),
                    (">>", prec::SHIFT),
                    ("&", prec::BITAND),
                    ("|", prec::BITOR),
                    ("^", prec::BITXOR),
                ]);
                let rhs = match op {
                    "/" | "%" if self.rng.chance(self.config.trap_percent.max(1) * 2) => 0,
                    "/" | "%" => self.rng.range(1, 9).into(),
                    "<<" | ">>" => self.rng.range(0, i64::from(int.bits()) + 2).into(),
                    _ => self.constant_value(int),
                };
                let rhs = self.number(rhs);
                self.begin_stmt();
                let mut value = format!("{k} {op} {}", rhs.at(p + 1));
                if self.rng.chance(40) {
                    // And a part that is not constant.
                    let e = self.expect(&ty, 1);
                    value = format!("({value}) + {}", e.at(prec::ADD + 1));
                }
                let name = self.names.fresh(&mut self.rng);
                self.line(format!("let {name}: {} = {value};", int.name()));
                self.end_stmt();
                let var = self.new_var(name, ty, false);
                self.bind(var);
            }
        }
    }

    /// A value of `int` worth folding: small, or near either end of the type.
    fn constant_value(&mut self, int: Int) -> i128 {
        match self.rng.below(3) {
            0 => int.max() - i128::from(self.rng.range(0, 9)),
            1 if int.signed() => int.min() + i128::from(self.rng.range(0, 9)),
            _ => wave::small_int(&mut self.rng, int).abs(),
        }
    }

    /// `let k: T = v;` (or `let k = v;` for a small `s32`), bound once and never changed.
    fn constant_local(&mut self, int: Int) -> String {
        let name = self.names.fresh(&mut self.rng);
        let flex = int == Int::S32 && self.rng.chance(50);
        let v = if flex {
            i128::from(self.rng.range(0, 99))
        } else {
            self.constant_value(int)
        };
        self.begin_stmt();
        let text = wave::int_text(&mut self.rng, v);
        if flex {
            self.line(format!("let {name} = {text};"));
        } else {
            self.line(format!("let {name}: {} = {text};", int.name()));
        }
        self.end_stmt();
        let mut var = self.new_var(name.clone(), Ty::Int(int), false);
        var.flex = flex;
        self.bind(var);
        name
    }

    /// A `match` with one arm per tested case (payload bound or ignored) and a final `_`,
    /// as a value or as a statement.
    fn switch_shape(&mut self, nest: u32) {
        let cased: Vec<Ty> = self
            .pool
            .iter()
            .filter(|t| self.types.cases(t).is_some())
            .cloned()
            .collect();
        if cased.is_empty() {
            return self.let_stmt();
        }
        let ty = self.rng.pick(&cased).clone();
        let cases = self.types.cases(&ty).expect("cased");
        self.begin_stmt();
        let depth = self.expr_depth();
        let Some(scrutinee) = self.expr(&ty, crate::expr::Want::Free, depth) else {
            self.end_stmt();
            return self.let_stmt();
        };
        let mut order: Vec<usize> = (0..cases.len()).collect();
        self.rng.shuffle(&mut order);
        let tested = if cases.len() >= 3 {
            self.rng.range(2, cases.len().min(8) as i64) as usize
        } else {
            cases.len()
        };
        let mut arms = Vec::new();
        for &c in order.iter().take(tested) {
            let (case, payload) = &cases[c];
            arms.push(self.case_pattern(&ty, case, payload.as_ref(), 0, true));
        }
        arms.push(crate::pattern::Pat {
            text: "_".into(),
            binds: Vec::new(),
            irrefutable: true,
            guarded: false,
        });
        if self.rng.chance(50) {
            let value_ty = self.local_type();
            let mut texts = Vec::new();
            for pat in &arms {
                self.push_scope();
                for (name, t) in &pat.binds {
                    let var = self.new_var(name.clone(), t.clone(), false);
                    self.bind(var);
                }
                let e = self.expect(&value_ty, depth.saturating_sub(1));
                self.pop_scope();
                let text = if e.text.starts_with('{') {
                    format!("({})", e.text)
                } else {
                    e.text
                };
                texts.push(format!("{} => {text}", pat.text));
            }
            let name = self.names.fresh(&mut self.rng);
            let t = self.types.render(&value_ty, &mut self.rng);
            self.line(format!(
                "let {name}: {t} = match {} {{ {} }};",
                scrutinee.head(),
                texts.join(", ")
            ));
            self.end_stmt();
            let var = self.new_var(name, value_ty, false);
            self.bind(var);
            return;
        }
        self.line(format!("match {} {{", scrutinee.head()));
        self.end_stmt();
        self.f.indent += 1;
        for pat in arms {
            self.push_scope();
            for (name, t) in &pat.binds {
                let var = self.new_var(name.clone(), t.clone(), false);
                self.bind(var);
            }
            if pat.text == "_" && self.rng.chance(40) {
                self.line("_ => {}");
            } else {
                self.line(format!("{} => {{", pat.text));
                self.f.indent += 1;
                self.some_stmts(1, 2, nest - 1);
                self.f.indent -= 1;
                self.line("}");
            }
            self.pop_scope();
        }
        self.f.indent -= 1;
        self.line("}");
    }

    /// `let mut b = a;` out of a `mut` list or string that is then read no more, or is:
    /// moved on into a tuple or through a helper.
    fn move_shape(&mut self) {
        let ty = if self.rng.chance(40) {
            Ty::Str
        } else {
            self.heap_type(60)
        };
        let a = self.names.fresh(&mut self.rng);
        let b = self.names.fresh(&mut self.rng);
        self.begin_stmt();
        let init = self.expect(&ty, 1);
        let t = self.types.render(&ty, &mut self.rng);
        self.line(format!("let mut {a}: {t} = {};", init.text));
        self.end_stmt();
        if self.rng.chance(50) {
            self.change_heap(&a, &ty);
        }
        self.begin_stmt();
        self.line(format!("let mut {b} = {a};"));
        self.end_stmt();
        let mut var = self.new_var(b.clone(), ty.clone(), true);
        var.keep = true;
        self.bind(var);
        self.change_heap(&b, &ty);
        let a_read = self.rng.chance(50);
        if a_read {
            let mut var = self.new_var(a.clone(), ty.clone(), true);
            var.keep = true;
            self.bind(var);
        }
        self.begin_stmt();
        let name = self.names.fresh(&mut self.rng);
        let via = self.hand_back_to(&ty);
        match self.rng.below(3) {
            0 if a_read => {
                let pair = Ty::Tuple(vec![ty.clone(), ty.clone()]);
                self.line(format!("let {name} = ({b}, {a});"));
                let var = self.new_var(name, pair, false);
                self.bind(var);
            }
            1 if via.is_some() => {
                let func = via.expect("a helper");
                self.line(format!("let {name} = {func}({b});"));
                let var = self.new_var(name, ty, false);
                self.bind(var);
            }
            _ => {
                let n = self.rng.range(0, 9);
                let pair = Ty::Tuple(vec![ty.clone(), Ty::Int(Int::U32)]);
                let t = self.types.render(&pair, &mut self.rng);
                self.line(format!("let {name}: {t} = ({b}, {n});"));
                let var = self.new_var(name, pair, false);
                self.bind(var);
            }
        }
        self.end_stmt();
    }

    /// A call that is a statement's whole value: `let x = f(…);`, `f(…);`, `p = f(…);` or
    /// `return f(…);`, the forms the inliner takes.
    fn call_shape(&mut self) {
        let candidates: Vec<usize> = (0..self.f.callable)
            .filter(|&j| self.funcs[j].ret.is_some() && self.affordable(self.funcs[j].cost))
            .filter(|&j| self.can_call(j))
            .collect();
        if candidates.is_empty() {
            return self.let_stmt();
        }
        let j = *self.rng.pick(&candidates);
        let ret = self.funcs[j].ret.clone().expect("a value");
        self.begin_stmt();
        let depth = self.expr_depth();
        let call = self.call_to(j, depth);
        let places: Vec<Place> = self
            .all_places()
            .into_iter()
            .filter(|p| p.ty == ret)
            .collect();
        match self.rng.below(4) {
            0 if !places.is_empty() => {
                let place = self.rng.pick(&places).clone();
                let growth = self.growth_guard(&place);
                let guard = Self::join_guards(place.guard.clone(), growth);
                self.guarded(guard.as_deref(), format!("{} = {};", place.path, call.text));
            }
            1 if self.f.ret.as_ref() == Some(&ret) => {
                let cond = self.expect(&Ty::Bool, 1);
                self.line(format!("if {} {{ return {}; }}", cond.head(), call.text));
            }
            2 => self.line(format!("{};", call.text)),
            _ => {
                let name = self.names.fresh(&mut self.rng);
                self.line(format!("let {name} = {};", call.text));
                let var = self.new_var(name, ret, false);
                self.bind(var);
            }
        }
        self.end_stmt();
    }
}
