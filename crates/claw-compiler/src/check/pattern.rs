//! `match` and `if let`: patterns, the bindings they introduce, the arms' common type, and
//! exhaustiveness.

use std::collections::HashMap;

use claw_syntax::ast::{ArmBody, ExprId, MatchArm, PatId, PatKind};
use claw_syntax::Span;

use super::infer::Deferred;
use super::{Checker, Expect};
use crate::diagnostics::Diagnostic;
use crate::program::PatRes;
use crate::types::{TypeDef, TypeId};

/// How many uncovered values a `non-exhaustive-match` error names.
const MAX_LISTED_MISSING: usize = 10;

impl Checker<'_> {
    /// Checks a `match`; as a statement (`statement`), arms may have any type and their values
    /// are dropped. Records in `diverging` a match all of whose arms diverge.
    pub(super) fn match_expr(
        &mut self,
        id: ExprId,
        scrutinee: ExprId,
        arms: &[MatchArm],
        expect: Option<Expect>,
        statement: bool,
    ) -> TypeId {
        let ty = self.expr(scrutinee, None);
        let mut result = if statement {
            Some(TypeId::UNIT)
        } else {
            expect.map(|e| e.ty)
        };
        let mut all_diverge = !arms.is_empty();
        for arm in arms {
            self.scopes.push(HashMap::new());
            self.pattern(arm.pat, ty);
            if let Some(guard) = arm.guard {
                self.expr(guard, Some(Expect::ty(TypeId::BOOL)));
            }
            match &arm.body {
                ArmBody::Expr(body) => {
                    all_diverge = false;
                    if statement {
                        self.expr(*body, None);
                    } else {
                        match result {
                            Some(result) => {
                                self.expr(*body, Some(Expect::ty(result)));
                            }
                            None => result = Some(self.expr(*body, None)),
                        }
                    }
                }
                ArmBody::Block(block) => {
                    let diverges = self.block(block);
                    all_diverge &= diverges;
                    if !statement && !diverges {
                        let end = claw_syntax::Span {
                            start: block.span.end - 1,
                            ..block.span
                        };
                        self.error(
                            Diagnostic::error("arm-without-value", "this arm produces no value")
                                .at(end, "a block arm ends here without a value")
                                .hint("write the value after `=>`, or end the block with `return`"),
                        );
                    }
                }
            }
            self.scopes.pop();
        }
        if all_diverge {
            self.diverging.insert(id, ());
        }
        // A guarded arm may not run, so only the others count; a scrutinee whose type a
        // later use decides is checked once that is known.
        let pats: Vec<PatId> = arms
            .iter()
            .filter(|arm| arm.guard.is_none())
            .map(|a| a.pat)
            .collect();
        let span = self.body.exprs[scrutinee].span;
        let guarded = pats.len() < arms.len();
        if self.has_unbound_var(ty) {
            self.deferred.push(Deferred::Exhaustive {
                pats,
                ty,
                span,
                guarded,
            });
        } else {
            // An arm may have bound the variable the scrutinee's type was (`arc(x)` for a
            // case of `s32`): what is known now is the type.
            let ty = self.resolve(ty);
            self.exhaustive(&pats, ty, span, guarded);
        }
        result.unwrap_or(TypeId::UNIT)
    }

    /// Reports the values of type `ty` that none of `pats` matches; `guarded` when arms with
    /// guards were left out of `pats`.
    pub(super) fn exhaustive(&mut self, pats: &[PatId], ty: TypeId, span: Span, guarded: bool) {
        if ty == TypeId::ERROR {
            return;
        }
        let missing = self.missing(pats, ty);
        if missing.is_empty() {
            return;
        }
        // Name the first few; an enum of thousands of cases would make a message (and take
        // a time) as long as the enum.
        let mut shown: Vec<String> = missing
            .iter()
            .take(MAX_LISTED_MISSING)
            .map(|m| format!("`{m}`"))
            .collect();
        if missing.len() > shown.len() {
            shown.push(format!("and {} more", missing.len() - shown.len()));
        }
        let mut diagnostic = Diagnostic::error(
            "non-exhaustive-match",
            format!("non-exhaustive match: {} not covered", shown.join(", ")),
        )
        .at(span, format!("this is `{}`", self.type_name(ty)));
        if guarded {
            diagnostic = diagnostic
                .note("arms with an `if` guard count for nothing here: the guard may fail");
        }
        self.error(diagnostic.hint(format!(
            "add arm{} for {}, or a `_ => …` arm",
            if missing.len() == 1 { "" } else { "s" },
            shown.join(", ")
        )));
    }

    /// Whether `ty` has a literal's type variable in it that no use has bound yet.
    fn has_unbound_var(&self, ty: TypeId) -> bool {
        let ty = self.shallow(ty);
        match self.types.def(ty) {
            TypeDef::Var(_) => true,
            TypeDef::List(inner) | TypeDef::Option(inner) => self.has_unbound_var(*inner),
            TypeDef::Result { ok, err } => [ok, err]
                .into_iter()
                .flatten()
                .any(|&t| self.has_unbound_var(t)),
            TypeDef::Tuple(items) => items.iter().any(|&t| self.has_unbound_var(t)),
            TypeDef::Map { key, value, .. } => {
                self.has_unbound_var(*key) || self.has_unbound_var(*value)
            }
            _ => false,
        }
    }

    /// The head of an `if let`: checks the value, then the pattern against its type, in a new
    /// scope that the caller pops after the branch. A refutable pattern is the point, so
    /// there is no exhaustiveness check.
    pub(super) fn if_let(&mut self, pat: PatId, value: ExprId) {
        let ty = self.expr(value, None);
        self.scopes.push(HashMap::new());
        self.pattern(pat, ty);
    }

    pub(super) fn pattern(&mut self, pat: PatId, ty: TypeId) {
        let ast = self.body;
        self.pat_types.insert(pat, ty);
        let span = ast.pats[pat].span;
        let mismatch = |this: &mut Self, what: &str| this.pattern_mismatch(ty, span, what);
        match &ast.pats[pat].kind {
            PatKind::Wildcard => {}
            PatKind::Name(name) => match self.case_index(ty, &name.text) {
                Some(case) => {
                    self.pat_res.insert(pat, PatRes::Case(case));
                    if self.types.case(ty, case).is_some_and(|(_, p)| p.is_some()) {
                        self.error(
                            Diagnostic::error(
                                "missing-payload",
                                format!("case `{}` carries a value", name.text),
                            )
                            .at(name.span, format!("write `{}(_)`", name.text)),
                        );
                    }
                }
                None => {
                    let local = self.new_local(name, ty, false);
                    self.pat_res.insert(pat, PatRes::Bind(local));
                    self.scopes
                        .last_mut()
                        .expect("an arm scope is open")
                        .insert(name.text.clone(), local);
                }
            },
            PatKind::Case { path, payload } => {
                let name = path.last().expect("a path has a name");
                // A case that cannot match still binds its payload's names (as errors), so
                // their uses are not reported as unbound too.
                let payload_unknown = |this: &mut Self| {
                    if let Some(payload) = payload {
                        this.pattern(*payload, TypeId::ERROR);
                    }
                };
                if let [ty_name, _] = path.as_slice() {
                    if self.type_names.get(&ty_name.text) != Some(&ty) && ty != TypeId::ERROR {
                        mismatch(self, &format!("a case of `{}`", ty_name.text));
                        payload_unknown(self);
                        return;
                    }
                }
                if self.types.case_count(ty).is_none() {
                    mismatch(self, &format!("the case `{}`", name.text));
                    payload_unknown(self);
                    return;
                }
                let Some(index) = self.case_index(ty, &name.text) else {
                    self.unknown(ty, "case", name);
                    payload_unknown(self);
                    return;
                };
                self.pat_res.insert(pat, PatRes::Case(index));
                let payload_ty = self.types.case(ty, index).and_then(|(_, p)| p);
                match (payload_ty, payload) {
                    (Some(inner), Some(payload)) => self.pattern(*payload, inner),
                    (None, None) => {}
                    (Some(_), None) => {
                        self.error(
                            Diagnostic::error(
                                "missing-payload",
                                format!("case `{}` carries a value", name.text),
                            )
                            .at(name.span, format!("write `{}(_)`", name.text)),
                        );
                    }
                    (None, Some(payload)) => {
                        self.pattern(*payload, TypeId::ERROR);
                        self.error(
                            Diagnostic::error(
                                "unexpected-payload",
                                format!("case `{}` carries no value", name.text),
                            )
                            .at(ast.pats[*payload].span, "remove this pattern"),
                        );
                    }
                }
            }
            PatKind::Int(value) if self.unbound_var(ty).is_some() => {
                self.deferred.push(Deferred::IntPattern {
                    value: *value,
                    span,
                    ty,
                });
            }
            PatKind::Int(value) => self.int_pattern(*value, span, ty),
            PatKind::Str(_) if ty != TypeId::STRING => mismatch(self, "a string"),
            PatKind::Char(_) if ty != TypeId::CHAR => mismatch(self, "a char"),
            PatKind::Bool(_) if ty != TypeId::BOOL => mismatch(self, "a bool"),
            PatKind::Str(_) | PatKind::Char(_) | PatKind::Bool(_) => {}
            PatKind::Tuple(items) => {
                let types = match self.types.def(ty) {
                    TypeDef::Tuple(types) if types.len() == items.len() => types.clone(),
                    _ => {
                        mismatch(self, &format!("a tuple of {}", items.len()));
                        vec![TypeId::ERROR; items.len()]
                    }
                };
                for (&item, ty) in items.iter().zip(types) {
                    self.pattern(item, ty);
                }
            }
            PatKind::Range { start, end, .. } => {
                let shallow = self.shallow(ty);
                let ordered = shallow == TypeId::CHAR
                    || self.types.int_shape(shallow).is_some()
                    || self.unbound_var(ty).is_some();
                if !ordered {
                    return mismatch(self, "a range");
                }
                for &end in [start, end].into_iter().flatten() {
                    self.pattern(end, ty);
                }
                let (mut lo, mut hi) = ast.range_bounds(pat).expect("a range pattern");
                // An open end is the type's bound: `..0` holds no `u32`.
                if let Some(domain) = self.ordered_domain(shallow) {
                    lo = lo.max(domain[0].0);
                    hi = hi.min(domain[domain.len() - 1].1);
                }
                if lo > hi {
                    self.error(
                        Diagnostic::error("empty-range", "this range matches nothing")
                            .at(
                                span,
                                if lo == hi + 1 {
                                    "`..` leaves its end out, and that is its start"
                                } else {
                                    "its start is past its end"
                                },
                            )
                            .hint("write the smaller end first; `a..b` leaves `b` out, `a..=b` keeps it"),
                    );
                }
            }
            PatKind::Or(alternatives) => {
                for &alternative in alternatives {
                    self.pattern(alternative, ty);
                    if let Some(name) = self.bound_name(alternative) {
                        self.error(
                            Diagnostic::error(
                                "or-pattern-binding",
                                format!("`{}` is bound inside an `|` pattern", name.text),
                            )
                            .at(name.span, "binds a name")
                            .note("the alternatives of an `|` pattern bind no names")
                            .hint("match it with `_`, or give each alternative an arm of its own"),
                        );
                    }
                }
            }
        }
    }

    /// A name that `pat` binds, if any.
    fn bound_name(&self, pat: PatId) -> Option<claw_syntax::ast::Name> {
        match &self.body.pats[pat].kind {
            PatKind::Name(name) if matches!(self.pat_res.get(pat), Some(PatRes::Bind(_))) => {
                Some(name.clone())
            }
            PatKind::Case {
                payload: Some(sub), ..
            } => self.bound_name(*sub),
            PatKind::Tuple(items) | PatKind::Or(items) => {
                items.iter().find_map(|&item| self.bound_name(item))
            }
            _ => None,
        }
    }

    /// The values (written as patterns) that none of `pats` matches: one per missing case of
    /// the scrutinee's own type, or a single example.
    fn missing(&self, pats: &[PatId], ty: TypeId) -> Vec<String> {
        let rows: Vec<Vec<Pat>> = pats
            .iter()
            .flat_map(|&p| self.shapes(p))
            .map(|shape| vec![shape])
            .collect();
        let heads = Heads::new(&rows);
        match self.constructors(ty, &heads) {
            Some(ctors) => {
                let mut missing: Vec<(Ctor, Vec<String>)> = ctors
                    .into_iter()
                    // A row of wildcards alone matches every case that has no rows of its own.
                    .filter(|ctor| heads.has_own(ctor) || heads.wild.is_empty())
                    .filter_map(|ctor| {
                        let (arity_types, specialized) =
                            self.specialize(heads.rows(&ctor), &ctor, ty);
                        self.witness(&specialized, &arity_types).map(|w| (ctor, w))
                    })
                    .collect();
                // Neighbouring runs of numbers read as one, and so do chars on either side
                // of the surrogates, which are no chars.
                let surrogates = (ty == TypeId::CHAR).then_some((0xD7FF, 0xE000));
                missing.dedup_by(|next, prev| match (&prev.0, &next.0) {
                    (Ctor::Range(lo, hi), Ctor::Range(next_lo, next_hi))
                        if hi + 1 == *next_lo || surrogates == Some((*hi, *next_lo)) =>
                    {
                        prev.0 = Ctor::Range(*lo, *next_hi);
                        true
                    }
                    _ => false,
                });
                missing
                    .into_iter()
                    .map(|(ctor, w)| ctor.show_named(&w, self, ty))
                    .collect()
            }
            None => self
                .witness(&rows, &[ty])
                .map(|mut w| vec![w.remove(0)])
                .unwrap_or_default(),
        }
    }

    /// A pattern as exhaustiveness sees it: one shape per way it can match, so an `|`
    /// pattern (anywhere inside) is as many rows as its alternatives make.
    fn shapes(&self, pat: PatId) -> Vec<Pat> {
        match &self.body.pats[pat].kind {
            PatKind::Wildcard => vec![Pat::Wild],
            PatKind::Name(_) | PatKind::Case { .. } => match self.pat_res.get(pat) {
                Some(PatRes::Case(case)) => {
                    let subs = match &self.body.pats[pat].kind {
                        PatKind::Case {
                            payload: Some(sub), ..
                        } => self.shapes(*sub),
                        _ => vec![Pat::Wild],
                    };
                    subs.into_iter()
                        .map(|sub| Pat::Ctor(Ctor::Case(*case), vec![sub]))
                        .collect()
                }
                _ => vec![Pat::Wild],
            },
            PatKind::Bool(b) => vec![Pat::Ctor(Ctor::Bool(*b), vec![])],
            PatKind::Tuple(items) => {
                // Every combination of the items' shapes.
                let mut combos: Vec<Vec<Pat>> = vec![Vec::new()];
                for &item in items {
                    let shapes = self.shapes(item);
                    combos = combos
                        .into_iter()
                        .flat_map(|combo| {
                            shapes.iter().map(move |shape| {
                                let mut next = combo.clone();
                                next.push(shape.clone());
                                next
                            })
                        })
                        .collect();
                }
                combos
                    .into_iter()
                    .map(|items| Pat::Ctor(Ctor::Tuple, items))
                    .collect()
            }
            PatKind::Or(alternatives) => alternatives
                .iter()
                .flat_map(|&alternative| self.shapes(alternative))
                .collect(),
            PatKind::Int(v) => vec![Pat::Ctor(Ctor::Range(*v, *v), vec![])],
            PatKind::Char(c) => {
                let code = i128::from(u32::from(*c));
                vec![Pat::Ctor(Ctor::Range(code, code), vec![])]
            }
            PatKind::Range { .. } => match self.body.range_bounds(pat) {
                Some((lo, hi)) if lo <= hi => vec![Pat::Ctor(Ctor::Range(lo, hi), vec![])],
                // An empty range matches nothing.
                _ => Vec::new(),
            },
            PatKind::Str(_) => vec![Pat::Literal],
        }
    }

    /// An integer pattern against a value of type `ty`.
    pub(super) fn int_pattern(&mut self, value: i128, span: Span, ty: TypeId) {
        let ty = self.shallow(ty);
        if self.types.int_shape(ty).is_none() {
            return self.pattern_mismatch(ty, span, "an integer");
        }
        self.int_in_range(value, span, ty, None);
    }

    /// Reports a pattern that cannot match a value of type `ty`; `what` says what it is.
    fn pattern_mismatch(&mut self, ty: TypeId, span: Span, what: &str) {
        if ty == TypeId::ERROR {
            return;
        }
        let name = self.type_name(ty);
        self.error(
            Diagnostic::error(
                "pattern-mismatch",
                format!("expected a pattern for `{name}`, found {what}"),
            )
            .at(span, format!("this pattern cannot match a `{name}`")),
        );
    }

    /// Every constructor of `ty`, when there are finitely many. The integers and chars are
    /// cut into runs at the ends of the ranges the rows' first patterns name, so each run
    /// is inside or outside each of those ranges.
    fn constructors(&self, ty: TypeId, heads: &Heads<'_>) -> Option<Vec<Ctor>> {
        if let Some(domain) = self.ordered_domain(ty) {
            // With no numbers named, only `_` and names cover, and `_` is the example.
            if heads.cuts.is_empty() {
                return None;
            }
            let mut ctors = Vec::new();
            for (start, end) in domain {
                let mut lo = start;
                let first = heads.cuts.partition_point(|&cut| cut <= start);
                for &cut in heads.cuts[first..].iter().take_while(|&&cut| cut <= end) {
                    ctors.push(Ctor::Range(lo, cut - 1));
                    lo = cut;
                }
                ctors.push(Ctor::Range(lo, end));
            }
            return Some(ctors);
        }
        if ty == TypeId::BOOL {
            return Some(vec![Ctor::Bool(true), Ctor::Bool(false)]);
        }
        if let TypeDef::Tuple(_) = self.types.def(ty) {
            return Some(vec![Ctor::Tuple]);
        }
        let count = self.types.case_count(ty)?;
        Some((0..count as u32).map(Ctor::Case).collect())
    }

    /// The values of an integer type, or the code points of `char` (which skip the
    /// surrogates), as runs; `None` for other types.
    fn ordered_domain(&self, ty: TypeId) -> Option<Vec<(i128, i128)>> {
        if ty == TypeId::CHAR {
            return Some(vec![(0, 0xD7FF), (0xE000, 0x10FFFF)]);
        }
        let shape = self.types.int_shape(ty)?;
        Some(vec![(shape.min(), shape.max())])
    }

    /// The types inside a constructor of `ty`, and its names for printing.
    fn ctor_fields(&self, ctor: &Ctor, ty: TypeId) -> Vec<TypeId> {
        match ctor {
            Ctor::Bool(_) | Ctor::Range(..) => vec![],
            Ctor::Tuple => match self.types.def(ty) {
                TypeDef::Tuple(items) => items.clone(),
                _ => vec![],
            },
            Ctor::Case(case) => self
                .types
                .case(ty, *case)
                .and_then(|(_, payload)| payload)
                .into_iter()
                .collect(),
        }
    }

    /// The rows that can match `ctor` in the first column, with that column replaced by the
    /// constructor's fields; and the fields' types.
    fn specialize<'r>(
        &self,
        rows: impl IntoIterator<Item = &'r Vec<Pat>>,
        ctor: &Ctor,
        ty: TypeId,
    ) -> (Vec<TypeId>, Vec<Vec<Pat>>) {
        let fields = self.ctor_fields(ctor, ty);
        let mut out = Vec::new();
        for row in rows {
            let (first, rest) = row.split_first().expect("rows are as wide as the types");
            let head = match first {
                Pat::Wild => vec![Pat::Wild; fields.len()],
                Pat::Ctor(c, subs) if c.covers(ctor) => {
                    let mut subs = subs.clone();
                    // A case written without its payload pattern matches any payload.
                    subs.resize(fields.len(), Pat::Wild);
                    subs
                }
                _ => continue,
            };
            out.push(head.into_iter().chain(rest.iter().cloned()).collect());
        }
        (fields, out)
    }

    /// A row of values (as patterns, one per type) that no row matches, if there is one.
    fn witness(&self, rows: &[Vec<Pat>], types: &[TypeId]) -> Option<Vec<String>> {
        let Some((&ty, rest)) = types.split_first() else {
            return if rows.is_empty() {
                Some(Vec::new())
            } else {
                None
            };
        };
        if ty == TypeId::ERROR {
            return None;
        }
        let heads = Heads::new(rows);
        match self.constructors(ty, &heads) {
            Some(ctors) => {
                // The constructors without rows of their own all see just the wildcard rows,
                // and their fields are unconstrained: when one of them has no witness, none
                // has, and the rest are skipped (unless an unknown field type got in the way).
                let mut bare_covered = false;
                ctors.into_iter().find_map(|ctor| {
                    let bare = !heads.has_own(&ctor);
                    if bare && bare_covered {
                        return None;
                    }
                    let (fields, specialized) = self.specialize(heads.rows(&ctor), &ctor, ty);
                    let arity = fields.len();
                    let known = !fields.contains(&TypeId::ERROR);
                    let all: Vec<TypeId> = fields.into_iter().chain(rest.iter().copied()).collect();
                    let Some(mut w) = self.witness(&specialized, &all) else {
                        bare_covered |= bare && known;
                        return None;
                    };
                    let inner: Vec<String> = w.drain(..arity).collect();
                    let mut out = vec![ctor.show_named(&inner, self, ty)];
                    out.extend(w);
                    Some(out)
                })
            }
            None => {
                // Literals never cover a type with endless values; only `_` and names do.
                let defaults: Vec<Vec<Pat>> = rows
                    .iter()
                    .filter(|row| matches!(row[0], Pat::Wild))
                    .map(|row| row[1..].to_vec())
                    .collect();
                let mut w = self.witness(&defaults, rest)?;
                w.insert(0, "_".to_string());
                Some(w)
            }
        }
    }
}

/// The rows of a matrix by the constructor their first pattern is, with the rows headed by a
/// wildcard apart. Specializing for a constructor then looks at its own rows and the wildcard
/// rows rather than at every row: with one row per case, a `match` over an enum of thousands
/// of cases took quadratic time.
struct Heads<'r> {
    by_ctor: HashMap<Ctor, Vec<&'r Vec<Pat>>>,
    /// Where the ranges heading rows start and end (one past): sorted, each once.
    cuts: Vec<i128>,
    /// The runs between neighbouring cuts, each with the rows headed by a range holding it
    /// (so a run the constructors cut finer finds its rows by one search).
    segments: Vec<(i128, i128, Vec<&'r Vec<Pat>>)>,
    wild: Vec<&'r Vec<Pat>>,
}

impl<'r> Heads<'r> {
    fn new(rows: &'r [Vec<Pat>]) -> Heads<'r> {
        let mut by_ctor: HashMap<Ctor, Vec<&'r Vec<Pat>>> = HashMap::new();
        let mut ranges = Vec::new();
        let mut wild = Vec::new();
        for row in rows {
            match &row[0] {
                Pat::Wild => wild.push(row),
                Pat::Ctor(Ctor::Range(lo, hi), _) => ranges.push((*lo, *hi, row)),
                Pat::Ctor(ctor, _) => by_ctor.entry(ctor.clone()).or_default().push(row),
                // A literal never matches a constructor.
                Pat::Literal => {}
            }
        }
        let mut cuts: Vec<i128> = ranges
            .iter()
            .flat_map(|&(lo, hi, _)| [lo, hi.saturating_add(1)])
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        // One sweep: the ranges begun and not yet ended hold the segment, so a match of n
        // literals costs n, not n times n.
        ranges.sort_by_key(|&(lo, _, _)| lo);
        let mut segments = Vec::new();
        let mut begun = ranges.iter().peekable();
        let mut active: Vec<(i128, &'r Vec<Pat>)> = Vec::new();
        for pair in cuts.windows(2) {
            let (start, end) = (pair[0], pair[1] - 1);
            while let Some(&&(lo, hi, row)) = begun.peek() {
                if lo > start {
                    break;
                }
                active.push((hi, row));
                begun.next();
            }
            active.retain(|&(hi, _)| hi >= end);
            segments.push((start, end, active.iter().map(|&(_, row)| row).collect()));
        }
        Heads {
            by_ctor,
            cuts,
            segments,
            wild,
        }
    }

    fn has_own(&self, ctor: &Ctor) -> bool {
        self.by_ctor.contains_key(ctor) || self.in_ranges(ctor).next().is_some()
    }

    /// The rows that can match `ctor`: its own, then the wildcard rows, in order.
    fn rows(&self, ctor: &Ctor) -> impl Iterator<Item = &'r Vec<Pat>> + '_ {
        self.by_ctor
            .get(ctor)
            .into_iter()
            .flatten()
            .copied()
            .chain(self.in_ranges(ctor))
            .chain(self.wild.iter().copied())
    }

    /// The rows headed by a range that holds the run `ctor`, which lies within one segment.
    fn in_ranges(&self, ctor: &Ctor) -> impl Iterator<Item = &'r Vec<Pat>> + '_ {
        let segment = match *ctor {
            Ctor::Range(lo, _) => {
                let at = self.segments.partition_point(|&(start, _, _)| start <= lo);
                at.checked_sub(1)
                    .map(|at| &self.segments[at])
                    .filter(|&&(_, end, _)| lo <= end)
            }
            _ => None,
        };
        segment
            .into_iter()
            .flat_map(|(_, _, rows)| rows.iter().copied())
    }
}

/// A pattern reduced to what exhaustiveness needs.
#[derive(Clone)]
enum Pat {
    Wild,
    Ctor(Ctor, Vec<Pat>),
    /// A number, string or char: matches one value of endlessly many.
    Literal,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Ctor {
    Bool(bool),
    Tuple,
    Case(u32),
    /// The integers (or chars' code points) from the first through the second.
    Range(i128, i128),
}

impl Ctor {
    /// Whether a pattern headed by `self` matches every value of `run`: the same
    /// constructor, or a range around a run of numbers.
    fn covers(&self, run: &Ctor) -> bool {
        match (self, run) {
            (Ctor::Range(lo, hi), Ctor::Range(a, b)) => lo <= a && b <= hi,
            _ => self == run,
        }
    }

    /// Shows a top-level missing case with the witness of its fields.
    fn show(&self, fields: &[String]) -> String {
        match self {
            Ctor::Bool(b) => b.to_string(),
            Ctor::Tuple => format!("({})", fields.join(", ")),
            Ctor::Case(_) | Ctor::Range(..) => unreachable!("shown with their type"),
        }
    }

    fn show_named(&self, fields: &[String], checker: &Checker<'_>, ty: TypeId) -> String {
        match self {
            Ctor::Range(lo, hi) => {
                let show = |v: i128| {
                    if ty == TypeId::CHAR {
                        let c = u32::try_from(v)
                            .ok()
                            .and_then(char::from_u32)
                            .unwrap_or('?');
                        char_literal(c)
                    } else {
                        v.to_string()
                    }
                };
                if lo == hi {
                    show(*lo)
                } else {
                    format!("{}..={}", show(*lo), show(*hi))
                }
            }
            Ctor::Case(case) => {
                let name = checker.types.case(ty, *case).map_or("?", |(name, _)| name);
                match fields.first() {
                    Some(payload) => format!("{name}({payload})"),
                    None => name.to_string(),
                }
            }
            _ => self.show(fields),
        }
    }
}

/// `c` as a char literal: printable characters as themselves, the rest escaped as WAVE
/// escapes them.
fn char_literal(c: char) -> String {
    match c {
        '\0' => "'\\u{0}'".to_string(),
        '"' => "'\"'".to_string(),
        _ => format!("'{}'", c.escape_debug()),
    }
}
