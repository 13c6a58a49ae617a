//! Patterns for `match` arms and `if let`: wildcards, bindings, literals, ranges, cases with
//! nested payload patterns and tuples, and arm lists that are exhaustive by construction
//! (guarded arms, which count for nothing, come on top); and `match` as an expression,
//! whose block arms leave the function or the loop.

use crate::context::Gen;
use crate::expr::{Expr, Want};
use crate::types::{Int, Ty};
use crate::wave;

/// A pattern's text, the names it binds, and whether it matches every value.
#[derive(Clone, Debug)]
pub(crate) struct Pat {
    pub(crate) text: String,
    pub(crate) binds: Vec<(String, Ty)>,
    pub(crate) irrefutable: bool,
    /// An arm that gets an `if` guard: one the arms after it do not need.
    pub(crate) guarded: bool,
}

impl Pat {
    fn plain(text: String, irrefutable: bool) -> Pat {
        Pat {
            text,
            binds: Vec::new(),
            irrefutable,
            guarded: false,
        }
    }
}

impl Gen<'_> {
    /// A pattern for a value of `ty`, nesting at most `depth` deep.
    pub(crate) fn pattern(&mut self, ty: &Ty, depth: u32) -> Pat {
        let roll = self.rng.below(100);
        if roll < 12 {
            return Pat::plain("_".into(), true);
        }
        if roll < 30 || depth == 0 {
            return self.binding(ty);
        }
        if roll < 40 {
            // `p | q`: alternatives that bind nothing.
            let alternatives: Vec<Pat> = (0..self.rng.range(2, 3))
                .map(|_| self.pattern(ty, depth - 1))
                .filter(|p| p.binds.is_empty())
                .collect();
            if alternatives.len() >= 2 {
                let texts: Vec<&str> = alternatives.iter().map(|p| p.text.as_str()).collect();
                return Pat {
                    text: texts.join(" | "),
                    binds: Vec::new(),
                    irrefutable: alternatives.iter().any(|p| p.irrefutable),
                    guarded: false,
                };
            }
        }
        match ty {
            Ty::Bool => Pat::plain(
                if self.rng.chance(50) { "true" } else { "false" }.into(),
                false,
            ),
            Ty::Int(int) if self.rng.chance(35) => {
                let (a, b) = (self.pattern_int(*int), self.pattern_int(*int));
                let text = self.range_text(a.min(b), a.max(b), int.min(), &|rng, v| {
                    wave::int_text(rng, v)
                });
                Pat::plain(text, false)
            }
            Ty::Int(int) => {
                let v = self.pattern_int(*int);
                Pat::plain(wave::int_text(&mut self.rng, v), false)
            }
            Ty::Char if self.rng.chance(35) => {
                let (a, b) = (
                    wave::char_value(&mut self.rng),
                    wave::char_value(&mut self.rng),
                );
                let text = self.range_text(code(a.min(b)), code(a.max(b)), 0, &char_text);
                Pat::plain(text, false)
            }
            Ty::Char => {
                let c = wave::char_value(&mut self.rng);
                Pat::plain(wave::claw_char(&mut self.rng, c), false)
            }
            Ty::Str => {
                // Short strings, so that some arguments match them.
                let s = match self.rng.below(4) {
                    0 => String::new(),
                    1 => "a".into(),
                    _ => wave::string_value(&mut self.rng),
                };
                Pat::plain(wave::claw_string(&mut self.rng, &s), false)
            }
            Ty::Tuple(items) => {
                let parts: Vec<Pat> = items.iter().map(|t| self.pattern(t, depth - 1)).collect();
                let texts: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
                let text = if texts.len() == 1 {
                    format!("({},)", texts[0])
                } else {
                    format!("({})", texts.join(", "))
                };
                Pat {
                    text,
                    irrefutable: parts.iter().all(|p| p.irrefutable),
                    binds: parts.into_iter().flat_map(|p| p.binds).collect(),
                    guarded: false,
                }
            }
            _ => match self.types.cases(ty) {
                Some(cases) => {
                    let (case, payload) = self.rng.pick(&cases).clone();
                    self.case_pattern(ty, &case, payload.as_ref(), depth - 1, false)
                }
                // Floats, lists, records and flags have no patterns of their own.
                None => self.binding(ty),
            },
        }
    }

    /// An integer worth matching: small ones and the limits.
    fn pattern_int(&mut self, int: Int) -> i128 {
        if self.rng.chance(70) {
            wave::small_int(&mut self.rng, int)
        } else {
            wave::int_value(&mut self.rng, int)
        }
    }

    fn binding(&mut self, ty: &Ty) -> Pat {
        let name = self.names.fresh(&mut self.rng);
        Pat {
            text: name.clone(),
            binds: vec![(name, ty.clone())],
            irrefutable: true,
            guarded: false,
        }
    }

    /// A range pattern holding the values `lo` through `hi` (and maybe more: an open end
    /// runs to the type's bound), never empty; `min` is the type's least value.
    fn range_text(
        &mut self,
        lo: i128,
        hi: i128,
        min: i128,
        text: &dyn Fn(&mut crate::rng::Rng, i128) -> String,
    ) -> String {
        let rng = &mut self.rng;
        match rng.below(5) {
            1 if lo < hi => format!("{}..{}", text(rng, lo), text(rng, hi)),
            2 => format!("{}..", text(rng, lo)),
            3 => format!("..={}", text(rng, hi)),
            4 if hi > min => format!("..{}", text(rng, hi)),
            _ => format!("{}..={}", text(rng, lo), text(rng, hi)),
        }
    }

    /// Arms of ranges that together hold every value of an integer or char type: cut at a
    /// few points, each run written as `..c`, `a..b`, `a..=b` or `c..`.
    fn partition(&mut self, ty: &Ty) -> Option<Vec<Pat>> {
        let (min, max) = match ty {
            Ty::Int(int) => (int.min(), int.max()),
            Ty::Char => (0, code(char::MAX)),
            _ => return None,
        };
        let mut cuts: Vec<i128> = (0..self.rng.range(1, 3))
            .map(|_| match ty {
                Ty::Int(int) => self.pattern_int(*int),
                _ => code(wave::char_value(&mut self.rng)),
            })
            .filter(|&cut| cut > min)
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let end: &dyn Fn(&mut crate::rng::Rng, i128) -> String = match ty {
            Ty::Char => &char_text,
            _ => &|rng, v| wave::int_text(rng, v),
        };
        let mut arms = Vec::new();
        let mut start = None;
        for &cut in cuts.iter().chain([&(max + 1)]) {
            let rng = &mut self.rng;
            // Inclusive ends one below a cut are numbers only: `'\u{e000}'` less one is no
            // char.
            let inclusive = matches!(ty, Ty::Int(_)) && rng.chance(50);
            let text = match (start, cut > max) {
                (None, true) => "_".to_string(),
                (None, false) if inclusive => format!("..={}", end(rng, cut - 1)),
                (None, false) => format!("..{}", end(rng, cut)),
                (Some(a), true) if inclusive => {
                    format!("{}..={}", end(rng, a), end(rng, max))
                }
                (Some(a), true) => format!("{}..", end(rng, a)),
                (Some(a), false) if inclusive => {
                    format!("{}..={}", end(rng, a), end(rng, cut - 1))
                }
                (Some(a), false) => format!("{}..{}", end(rng, a), end(rng, cut)),
            };
            arms.push(Pat::plain(text, false));
            start = Some(cut);
        }
        self.rng.shuffle(&mut arms);
        Some(arms)
    }

    /// `case`, `case(p)` or `type::case(p)`; with `total`, the payload pattern matches
    /// everything.
    pub(crate) fn case_pattern(
        &mut self,
        ty: &Ty,
        case: &str,
        payload: Option<&Ty>,
        depth: u32,
        total: bool,
    ) -> Pat {
        let name = match self.types.declared_name(ty).map(str::to_string) {
            Some(type_name) => self.case_name(&type_name, case),
            None => case.to_string(),
        };
        match payload {
            None => Pat::plain(name, false),
            Some(t) => {
                let inner = if total {
                    if self.rng.chance(30) {
                        Pat::plain("_".into(), true)
                    } else {
                        self.binding(t)
                    }
                } else {
                    self.pattern(t, depth)
                };
                Pat {
                    text: format!("{name}({})", inner.text),
                    binds: inner.binds,
                    irrefutable: false,
                    guarded: false,
                }
            }
        }
    }

    /// The arms of a `match` on `ty`, which together cover every value: either one arm per
    /// case (after some more specific ones), or a few arms and then a catch-all.
    pub(crate) fn arms(&mut self, ty: &Ty) -> Vec<Pat> {
        let mut arms = Vec::new();
        let cases = match ty {
            Ty::Bool => Some(vec![
                ("true".to_string(), None),
                ("false".to_string(), None),
            ]),
            _ => self.types.cases(ty),
        };
        if let Some(cases) = cases.filter(|c| c.len() <= 6 && self.rng.chance(55)) {
            if self.rng.chance(40) {
                arms.push(self.pattern(ty, 2));
            }
            let mut order: Vec<usize> = (0..cases.len()).collect();
            self.rng.shuffle(&mut order);
            for i in order {
                let (case, payload) = &cases[i];
                let arm = if *ty == Ty::Bool {
                    Pat::plain(case.clone(), false)
                } else {
                    self.case_pattern(ty, case, payload.as_ref(), 1, true)
                };
                // Sometimes one arm for two cases: `a | b`.
                let previous = arms.last_mut().filter(|p: &&mut Pat| p.binds.is_empty());
                match previous {
                    Some(previous) if arm.binds.is_empty() && self.rng.chance(30) => {
                        previous.text = format!("{} | {}", previous.text, arm.text);
                    }
                    _ => arms.push(arm),
                }
            }
            return arms;
        }
        if self.rng.chance(30) {
            if let Some(runs) = self.partition(ty) {
                return self.with_guards(ty, runs);
            }
        }
        for _ in 0..self.rng.range(1, 3) {
            let pat = self.pattern(ty, 2);
            let total = pat.irrefutable;
            arms.push(pat);
            if total {
                return self.with_guards(ty, arms);
            }
        }
        arms.push(if self.rng.chance(60) {
            Pat::plain("_".into(), true)
        } else {
            self.binding(ty)
        });
        self.with_guards(ty, arms)
    }

    /// `arms` with, sometimes, an arm that will get a guard put in before one of them: the
    /// arms are exhaustive without it, as the checker counts them.
    fn with_guards(&mut self, ty: &Ty, mut arms: Vec<Pat>) -> Vec<Pat> {
        if !self.rng.chance(35) {
            return arms;
        }
        for _ in 0..self.rng.range(1, 2) {
            let mut pat = self.pattern(ty, 2);
            pat.guarded = true;
            let at = self.rng.below(arms.len() as u64 + 1) as usize;
            arms.insert(at, pat);
        }
        arms
    }

    /// ` if cond` for a guarded arm, its names bound; empty when the condition would move a
    /// handle (which a guard may not: it may fail and leave the value to the next arm).
    pub(crate) fn guard_text(&mut self, pat: &Pat, depth: u32) -> String {
        if !pat.guarded {
            return String::new();
        }
        let moved = |gen: &Self| -> Vec<u32> {
            gen.f
                .scopes
                .iter()
                .flatten()
                .filter(|v| v.moved)
                .map(|v| v.id)
                .collect()
        };
        // The pattern's names hold what the scrutinee owns, so a guard may leave (`?`, or a
        // jump out of a `match` inside it): they are dropped on the way out.
        let before = moved(self);
        let cond = self.expect(&Ty::Bool, depth);
        if moved(self) != before {
            return String::new();
        }
        format!(" if {}", cond.text)
    }

    /// A one-line `match` producing `ty`; its block arms leave the function or the loop.
    pub(crate) fn match_expr(&mut self, ty: &Ty, want: Want, depth: u32) -> Option<Expr> {
        let scrutinee_ty = self.scrutinee_type();
        let scrutinee = if matches!(scrutinee_ty, Ty::Option(_)) && self.rng.chance(25) {
            self.pop(&scrutinee_ty)
                .or_else(|| self.expr(&scrutinee_ty, Want::Free, depth))?
        } else {
            self.expr(&scrutinee_ty, Want::Free, depth)?
        };
        let arms = self.arms(&scrutinee_ty);
        let mut texts = Vec::new();
        let mut first = true;
        let mut lit = true;
        for pat in arms {
            self.push_scope();
            for (name, t) in &pat.binds {
                let var = self.new_var(name.clone(), t.clone(), false);
                self.bind(var);
            }
            let guard = self.guard_text(&pat, depth.saturating_sub(1));
            let jump = if self.rng.chance(20) {
                self.jump_text()
            } else {
                None
            };
            let body = match jump {
                Some(jump) => format!("{{ {jump} }}"),
                None => {
                    let w = if first { want } else { Want::Expected };
                    // One level shallower than the scrutinee: a match multiplies its arms.
                    let e = match self.expr(ty, w, depth.saturating_sub(1)) {
                        Some(e) => e,
                        None => {
                            self.pop_scope();
                            return None;
                        }
                    };
                    first = false;
                    lit &= e.lit;
                    // A `{` right after `=>` would open a block arm.
                    if e.text.starts_with('{') {
                        format!("({})", e.text)
                    } else {
                        e.text
                    }
                }
            };
            self.pop_scope();
            texts.push(format!("{}{guard} => {body}", pat.text));
        }
        if first && want != Want::Expected {
            // Every arm left early: nothing gives the match its type.
            return None;
        }
        let mut e = Expr::primary(format!(
            "match {} {{ {} }}",
            scrutinee.head(),
            texts.join(", ")
        ));
        e.brace = true;
        e.lit = lit && !first;
        Some(e)
    }

    /// A statement that leaves the current arm: `return …;`, or `break;`/`continue;` in a
    /// loop (never in a loop's head, where it would leave the loop around it).
    pub(crate) fn jump_text(&mut self) -> Option<String> {
        if self.no_try > 0 {
            // Leaving there would lose a handle made earlier in the value (`lost-by-try`).
            return None;
        }
        let in_loop = self.f.loops > 0 && !self.f.in_head;
        if in_loop && self.rng.chance(60) {
            return Some(self.jump_word());
        }
        match self.f.ret.clone() {
            Some(ret) => {
                let e = self.expect(&ret, 1);
                Some(format!("return {};", e.text))
            }
            None => Some("return;".into()),
        }
    }

    /// A type worth matching on.
    pub(crate) fn scrutinee_type(&mut self) -> Ty {
        let cased: Vec<Ty> = self
            .pool
            .iter()
            .filter(|t| self.types.cases(t).is_some() || matches!(t, Ty::Tuple(_)))
            .cloned()
            .collect();
        if !cased.is_empty() && self.rng.chance(60) {
            return self.rng.pick(&cased).clone();
        }
        match self.rng.below(5) {
            0 => Ty::Bool,
            1 => Ty::Char,
            2 => Ty::Str,
            _ => Ty::Int(self.int_type()),
        }
    }
}

fn code(c: char) -> i128 {
    i128::from(u32::from(c))
}

/// A char literal for a code point that is a char.
fn char_text(rng: &mut crate::rng::Rng, v: i128) -> String {
    let c = u32::try_from(v)
        .ok()
        .and_then(char::from_u32)
        .expect("a range's ends are chars");
    wave::claw_char(rng, c)
}
