//! Reading from variables: paths into them (`r.items[0].name`, `t.1`, `p.read`,
//! `xs.len()`) with indexes known to be in bounds (or, rarely, not), and `xs.pop()` on lists
//! the function may change.

use crate::context::{Gen, Var};
use crate::expr::{Expr, Want};
use crate::types::{Int, Ty};

impl Gen<'_> {
    /// A variable, or a path into one (`r.items[0].name`, `t.1`, `p.read`, `xs.len()`).
    pub(crate) fn access(&mut self, ty: &Ty, want: Want) -> Option<Expr> {
        // Rarely an index that may be out of bounds, so that some calls trap.
        self.f.unsafe_index = self.rng.chance(self.config.trap_percent);
        let mut found: Vec<(String, Option<u32>)> = Vec::new();
        for var in self.visible() {
            if var.soft {
                if want == Want::Expected && var.ty == *ty {
                    found.push((var.name.clone(), Some(var.soft_group)));
                }
                continue;
            }
            if var.flex && want == Want::Typed && var.ty == *ty {
                continue;
            }
            let mut paths = Vec::new();
            self.paths(&var, var.name.clone(), &var.ty, ty, 3, true, &mut paths);
            found.extend(paths.into_iter().map(|p| (p, None)));
        }
        if found.is_empty() {
            return None;
        }
        let (text, soft) = self.rng.pick(&found).clone();
        if let Some(id) = soft {
            self.pin(id);
        }
        Some(Expr::primary(text))
    }

    /// Collects into `out` the paths from `base` (of type `at`, inside `var`) to `target`.
    #[allow(clippy::too_many_arguments)]
    fn paths(
        &mut self,
        var: &Var,
        base: String,
        at: &Ty,
        target: &Ty,
        steps: u32,
        root: bool,
        out: &mut Vec<String>,
    ) {
        if at == target {
            out.push(base.clone());
        }
        if steps == 0 {
            return;
        }
        match at {
            Ty::Tuple(items) => {
                for (i, t) in items.iter().enumerate() {
                    self.paths(var, format!("{base}.{i}"), t, target, steps - 1, false, out);
                }
            }
            Ty::Named(_) => {
                if let Some(fields) = self.types.record_fields(at).map(<[_]>::to_vec) {
                    for (name, t) in &fields {
                        let path = format!("{base}.{name}");
                        self.paths(var, path, t, target, steps - 1, false, out);
                    }
                }
                if *target == Ty::Bool {
                    if let Some(flags) = self.types.flags(at) {
                        out.extend(flags.iter().map(|f| format!("{base}.{f}")));
                    }
                }
            }
            Ty::List(elem) => {
                if *target == Ty::Int(Int::U32) {
                    out.push(format!("{base}.len()"));
                }
                let index = self.safe_index(var, root).or_else(|| {
                    self.f
                        .unsafe_index
                        .then(|| self.rng.range(0, 2).to_string())
                });
                if let Some(index) = index {
                    let path = format!("{base}[{index}]");
                    self.paths(var, path, elem, target, steps - 1, false, out);
                }
            }
            Ty::Str if *target == Ty::Int(Int::U32) => out.push(format!("{base}.len()")),
            _ => {}
        }
    }

    /// An index known to be in bounds for the list `var` itself (not a list inside it).
    fn safe_index(&mut self, var: &Var, root: bool) -> Option<String> {
        if !root {
            return None;
        }
        let pairs: Vec<u32> = self
            .f
            .index_pairs
            .iter()
            .filter(|(list, _)| *list == var.id)
            .map(|(_, index)| *index)
            .collect();
        let visible = self.visible();
        let names: Vec<String> = pairs
            .iter()
            .filter_map(|id| visible.iter().find(|v| v.id == *id))
            .map(|v| v.name.clone())
            .collect();
        if !names.is_empty() && self.rng.chance(70) {
            return Some(self.rng.pick(&names).clone());
        }
        if !var.mutable && var.min_len > 0 {
            return Some(self.rng.below(u64::from(var.min_len)).to_string());
        }
        None
    }

    /// `xs.pop()` on a list this function may change.
    pub(crate) fn pop(&mut self, ty: &Ty) -> Option<Expr> {
        let Ty::Option(elem) = ty else { return None };
        let list = Ty::list((**elem).clone());
        let places: Vec<String> = self
            .all_places()
            .into_iter()
            .filter(|p| p.ty == list && p.guard.is_none())
            .map(|p| p.path)
            .collect();
        if places.is_empty() {
            return None;
        }
        let place = self.rng.pick(&places).clone();
        Some(Expr::primary(format!("{place}.pop()")))
    }
}
