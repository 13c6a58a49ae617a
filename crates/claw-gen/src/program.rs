//! The program as a whole: which types it uses and declares, its globals, the functions'
//! signatures, the final `state` export, the file's text, and the calls to make.

use crate::context::{Func, Gen, Rec};
use crate::types::{Alias, Decl, DeclKind, Int, Ty, ALL_INTS};
use crate::wave;
use crate::ECHO;

/// The export that returns the mutable globals, called last.
pub(crate) const STATE: &str = "state";

impl Gen<'_> {
    /// Chooses the integer and float types, declares the file's types, and fills the pool
    /// of compound types that variables and parameters are drawn from.
    pub(crate) fn universe(&mut self) {
        self.names.reserve(STATE);
        let mut ints = ALL_INTS.to_vec();
        self.rng.shuffle(&mut ints);
        let count = self.rng.range(3, 5) as usize;
        ints.truncate(count);
        // `u32` is what `len()` returns and what indexes a list.
        if !ints.contains(&Int::U32) {
            ints.push(Int::U32);
        }
        self.ints = ints;
        self.floats = match self.rng.below(10) {
            0..=2 => vec![],
            3..=5 => vec![Ty::F64],
            6..=7 => vec![Ty::F32],
            _ => vec![Ty::F32, Ty::F64],
        };

        for _ in 0..self.rng.range(1, 2) {
            self.declare_record();
        }
        for _ in 0..self.rng.range(0, 2) {
            self.declare_variant();
        }
        if self.rng.chance(60) {
            let name = self.names.fresh(&mut self.rng);
            // Rarely more than 256 cases, whose discriminant takes two bytes.
            let count = if self.rng.chance(4) {
                self.rng.range(250, 300)
            } else {
                self.rng.range(1, 5)
            };
            let cases = (0..count)
                .map(|_| self.names.fresh(&mut self.rng))
                .collect();
            self.types.decls.push(Decl {
                name,
                kind: DeclKind::Enum(cases),
            });
        }
        if self.rng.chance(55) {
            let name = self.names.fresh(&mut self.rng);
            // Sometimes more than 8 or 16 flags, which a wider integer holds.
            let count = if self.rng.chance(20) {
                self.rng.range(7, 32)
            } else {
                self.rng.range(1, 6)
            };
            let flags = (0..count)
                .map(|_| self.names.fresh(&mut self.rng))
                .collect();
            self.types.decls.push(Decl {
                name,
                kind: DeclKind::Flags(flags),
            });
        }

        let mut pool: Vec<Ty> = (0..self.types.decls.len()).map(Ty::Named).collect();
        for _ in 0..self.rng.range(3, 6) {
            let ty = self.compound_type(2);
            if !pool.contains(&ty) {
                pool.push(ty);
            }
        }
        self.pool = pool;

        for _ in 0..self.rng.range(0, 2) {
            let target = if self.rng.chance(50) {
                self.scalar_type()
            } else {
                self.rng.pick(&self.pool).clone()
            };
            let name = self.names.fresh(&mut self.rng);
            self.types.aliases.push(Alias { name, target });
        }
    }

    fn declare_record(&mut self) {
        let name = self.names.fresh(&mut self.rng);
        let fields = (0..self.rng.range(1, 5))
            .map(|_| {
                let field = self.names.fresh(&mut self.rng);
                (field, self.member_type())
            })
            .collect();
        self.types.decls.push(Decl {
            name,
            kind: DeclKind::Record(fields),
        });
    }

    fn declare_variant(&mut self) {
        let name = self.names.fresh(&mut self.rng);
        let cases = (0..self.rng.range(1, 4))
            .map(|_| {
                let case = self.names.fresh(&mut self.rng);
                let payload = self.rng.chance(65).then(|| self.member_type());
                (case, payload)
            })
            .collect();
        self.types.decls.push(Decl {
            name,
            kind: DeclKind::Variant(cases),
        });
    }

    /// A type for a field or payload: a scalar, a small compound, or an earlier declared
    /// type (so declarations never contain themselves).
    fn member_type(&mut self) -> Ty {
        match self.rng.below(10) {
            0..=4 => self.scalar_type(),
            5..=6 if !self.types.decls.is_empty() => {
                Ty::Named(self.rng.below(self.types.decls.len() as u64) as usize)
            }
            _ => self.compound_type(1),
        }
    }

    /// A compound type nesting at most `depth` levels.
    pub(crate) fn compound_type(&mut self, depth: u32) -> Ty {
        let part = |g: &mut Self| {
            if depth > 1 && g.rng.chance(25) {
                g.compound_type(depth - 1)
            } else if !g.types.decls.is_empty() && g.rng.chance(20) {
                Ty::Named(g.rng.below(g.types.decls.len() as u64) as usize)
            } else {
                g.scalar_type()
            }
        };
        match self.rng.below(10) {
            0..=3 => Ty::list(part(self)),
            4..=5 => Ty::option(part(self)),
            6 => {
                let ok = self.rng.chance(80).then(|| part(self));
                let err = if self.rng.chance(60) {
                    Some(Ty::Str)
                } else {
                    self.rng.chance(60).then(|| part(self))
                };
                Ty::result(ok, err)
            }
            _ => {
                let n = if self.rng.chance(20) {
                    self.rng.range(4, 6)
                } else {
                    self.rng.range(1, 3)
                };
                Ty::Tuple((0..n).map(|_| part(self)).collect())
            }
        }
    }

    /// Declares 1–4 globals, at least one of them mutable.
    pub(crate) fn globals(&mut self) {
        let count = self.rng.range(1, 4);
        for i in 0..count {
            let ty = if self.rng.chance(50) {
                self.scalar_type()
            } else {
                self.rng.pick(&self.pool).clone()
            };
            let mutable = i == 0 || self.rng.chance(60);
            let name = self.names.fresh(&mut self.rng);
            let mut var = self.new_var(name, ty, mutable);
            var.global = true;
            self.globals.push(var);
        }
        // A map, starting as a constant one, for the map shapes to change.
        if self.rng.chance(25) {
            let name = self.names.fresh(&mut self.rng);
            let kind = self.map_kind();
            let literal = self.map_literal(&kind, true);
            self.map_global = Some((name, kind, literal));
        }
    }

    /// The globals as items.
    pub(crate) fn global_items(&mut self) -> Vec<String> {
        let globals = self.globals.clone();
        globals
            .iter()
            .map(|g| {
                let t = self.types.render(&g.ty, &mut self.rng);
                let value = wave::claw_constant(&mut self.rng, &self.types, &g.ty);
                let kw = if g.mutable { "let mut" } else { "let" };
                format!("{kw} {}: {t} = {value};", g.name)
            })
            .chain(self.map_global.iter().map(|(name, kind, literal)| {
                format!(
                    "let mut {name}: map<{}, {}> = {literal};",
                    kind.key,
                    kind.value()
                )
            }))
            .collect()
    }

    /// Signatures of the helpers (some recursive) and then the exports.
    pub(crate) fn signatures(&mut self) {
        if self.rng.chance(40) {
            for _ in 0..self.rng.range(1, 3) {
                let ty = self.rng.pick(&self.pool).clone();
                let name = format!("{ECHO}{}", self.names.fresh(&mut self.rng));
                let written = self.types.render(&ty, &mut self.rng);
                self.funcs.push(Func {
                    text: format!("import {name}: func(x: {written}) -> {written};"),
                    name,
                    params: vec![("x".into(), ty.clone())],
                    ret: Some(ty),
                    exported: false,
                    rec: None,
                    cost: 1,
                    copies: false,
                    imported: true,
                    hands_back: false,
                });
            }
        }
        if self.rng.chance(45) {
            for _ in 0..self.rng.range(1, 2) {
                let func = self.hand_back_signature();
                self.funcs.push(func);
            }
        }
        if self.res.is_some() {
            for _ in 0..self.rng.range(1, 3) {
                let func = self.handle_helper_signature();
                self.funcs.push(func);
            }
        }
        let size = self.config.size.max(1);
        let helpers = self.rng.range(1, 1 + i64::from(size / 8));
        let mut rec_at = None;
        for _ in 0..helpers {
            if rec_at.is_none() && self.rng.chance(45) {
                rec_at = Some(self.funcs.len());
                self.recursive_group();
            }
            let sig = self.signature(false);
            self.funcs.push(sig);
        }
        if rec_at.is_none() && self.rng.chance(40) {
            self.recursive_group();
        }
        let exports = self.rng.range(2, (1 + i64::from(size / 3)).clamp(2, 6));
        for _ in 0..exports {
            let sig = self.signature(true);
            self.funcs.push(sig);
        }
        if self.rng.chance(35) {
            // Value semantics, observed: `(original, copy)` after one of them changed;
            // sometimes of a type a helper hands back, so the copy can go through it.
            let handed: Vec<Ty> = self
                .funcs
                .iter()
                .filter(|f| f.hands_back && f.ret.as_ref() == Some(&f.params[0].1))
                .map(|f| f.params[0].1.clone())
                .collect();
            let ty = if !handed.is_empty() && self.rng.chance(50) {
                self.rng.pick(&handed).clone()
            } else {
                self.heap_type(40)
            };
            let last = self.funcs.len() - 1;
            let func = &mut self.funcs[last];
            func.params.truncate(1);
            match func.params.first_mut() {
                Some(p) => p.1 = ty.clone(),
                None => func
                    .params
                    .push((self.names.fresh(&mut self.rng), ty.clone())),
            }
            func.ret = Some(Ty::Tuple(vec![ty.clone(), ty]));
            func.copies = true;
        }
    }

    /// A helper that gives back its parameter, a string or list: as it is, in `some(…)`,
    /// or (for a string) in a field of a record.
    fn hand_back_signature(&mut self) -> Func {
        let param = match self.rng.below(10) {
            0..=3 => Ty::Str,
            4..=7 => Ty::list(Ty::Int(self.int_type())),
            _ => self.heap_type(50),
        };
        let records: Vec<Ty> = (0..self.types.decls.len())
            .map(Ty::Named)
            .filter(|t| {
                self.types
                    .record_fields(t)
                    .is_some_and(|fields| fields.iter().any(|(_, f)| *f == param))
            })
            .collect();
        let ret = match self.rng.below(10) {
            0..=4 => param.clone(),
            5..=7 => Ty::option(param.clone()),
            _ if !records.is_empty() => self.rng.pick(&records).clone(),
            _ => param.clone(),
        };
        Func {
            name: self.names.fresh(&mut self.rng),
            params: vec![(self.names.fresh(&mut self.rng), param)],
            ret: Some(ret),
            exported: false,
            rec: None,
            cost: 0,
            text: String::new(),
            copies: false,
            imported: false,
            hands_back: true,
        }
    }

    fn signature(&mut self, exported: bool) -> Func {
        let name = self.names.fresh(&mut self.rng);
        // Sometimes many parameters: past 16 flat values they are passed in memory.
        let count = if exported && self.rng.chance(15) {
            self.rng.range(5, 9)
        } else {
            self.rng.range(0, 4)
        };
        let mut params = Vec::new();
        for i in 0..count {
            let ty = if exported && i == 0 && !self.types.decls.is_empty() && self.rng.chance(60) {
                // Declared types in exported signatures put them into the WIT world.
                Ty::Named(self.rng.below(self.types.decls.len() as u64) as usize)
            } else {
                self.local_type()
            };
            params.push((self.names.fresh(&mut self.rng), ty));
        }
        let ret = match self.rng.below(20) {
            0..=2 => None,
            3..=5 if !self.types.decls.is_empty() => Some(Ty::Named(
                self.rng.below(self.types.decls.len() as u64) as usize,
            )),
            6 => Some(Ty::option(self.scalar_type())),
            7 => Some(Ty::result(Some(self.scalar_type()), Some(Ty::Str))),
            8 => Some(Ty::result(None, Some(Ty::Str))),
            9..=12 => Some(self.rng.pick(&self.pool).clone()),
            _ => Some(self.scalar_type()),
        };
        Func {
            name,
            params,
            ret,
            exported,
            rec: None,
            cost: 0,
            text: String::new(),
            copies: false,
            imported: false,
            hands_back: false,
        }
    }

    /// One self-recursive helper, or a mutually recursive pair, each with a depth first
    /// parameter that every recursive call decreases.
    fn recursive_group(&mut self) {
        let pair = self.rng.chance(45);
        let first = self.funcs.len();
        let members = if pair { 2 } else { 1 };
        let ret = Ty::Int(self.int_type());
        // One depth type for the group, so `depth - 1` fits the partner's parameter.
        let depth_ty = self.int_type();
        for m in 0..members {
            let name = self.names.fresh(&mut self.rng);
            let mut params = vec![(self.names.fresh(&mut self.rng), Ty::Int(depth_ty))];
            for _ in 0..self.rng.range(0, 2) {
                let ty = if self.rng.chance(25) {
                    self.rng.pick(&self.pool).clone()
                } else {
                    self.scalar_type()
                };
                params.push((self.names.fresh(&mut self.rng), ty));
            }
            let ret = if pair || self.rng.chance(50) {
                ret.clone()
            } else {
                match self.rng.below(4) {
                    0 => Ty::Bool,
                    1 => Ty::Char,
                    _ => Ty::Int(self.int_type()),
                }
            };
            self.funcs.push(Func {
                name,
                params,
                ret: Some(ret),
                exported: false,
                rec: Some(Rec {
                    partner: first + (m + 1) % members,
                    depth_ty,
                }),
                cost: 0,
                text: String::new(),
                copies: false,
                imported: false,
                hands_back: false,
            });
        }
    }

    /// `export func state() -> tuple<…> { return (g1, g2); }` over the mutable globals.
    pub(crate) fn state_func(&mut self) -> String {
        let globals: Vec<_> = self.globals.iter().filter(|g| g.mutable).cloned().collect();
        let mut types: Vec<String> = globals
            .iter()
            .map(|g| self.types.render(&g.ty, &mut self.rng))
            .collect();
        let mut names: Vec<&str> = globals.iter().map(|g| g.name.as_str()).collect();
        let logged = self.resource_state();
        for (name, ty) in &logged {
            names.push(name);
            types.push(ty.clone());
        }
        // The global map's entries, in their order.
        if let Some((name, kind, _)) = &self.map_global {
            names.push(name);
            types.push(format!("map<{}, {}>", kind.key, kind.value()));
        }
        let value = if names.len() == 1 {
            format!("({},)", names[0])
        } else {
            format!("({})", names.join(", "))
        };
        format!(
            "export func {STATE}() -> tuple<{}> {{\n    return {value};\n}}",
            types.join(", ")
        )
    }

    /// The calls to make: each export once to three times with random arguments, in a
    /// random order, and `state()` last.
    pub(crate) fn calls(&mut self) -> Vec<String> {
        let mut calls = Vec::new();
        let funcs: Vec<Func> = self.funcs.iter().filter(|f| f.exported).cloned().collect();
        for func in &funcs {
            // Several calls each: globals carry state from one to the next, and memory
            // allocated by one call must be released before the next.
            for _ in 0..self.rng.range(1, 4) {
                let args: Vec<String> = func
                    .params
                    .iter()
                    .map(|(_, t)| wave::wave_value(&mut self.rng, &self.types, t, 0))
                    .collect();
                calls.push(format!("{}({})", func.name, args.join(", ")));
            }
        }
        self.rng.shuffle(&mut calls);
        if calls.len() > 2 && self.rng.chance(30) {
            let at = self.rng.below(calls.len() as u64) as usize;
            calls.insert(at, format!("{STATE}()"));
        }
        if let Some(events) = self.events_call() {
            // The log after some calls, so a difference shows in the call that made it.
            let mut with = Vec::new();
            for call in calls {
                with.push(call);
                if self.rng.chance(40) {
                    with.push(events.clone());
                }
            }
            calls = with;
        }
        calls.push(format!("{STATE}()"));
        calls
    }
}
