//! Which exported function a call written as text names. Root functions are named plainly
//! (`factorial`); interface functions are listed as `ns:pkg/iface@1.0.0#f`. A query may use that
//! full form, the WAVE form (`ns:pkg/iface.f@1.0.0`), any shortening of the interface that stays
//! unambiguous (`iface.f`, `ns:pkg/iface#f`), or the bare function name when only one interface
//! has it. Root functions win bare-name lookups.
//!
//! `claw run` (through wasmtime's types) and the compiler component (through `wit-parser`'s)
//! both pick exports here, type arguments ([`call`]) and print results ([`print`]), so a call
//! means the same in the terminal and in the playground.

pub mod call;
pub mod print;

/// The unambiguous name of function `name` of `interface` (or of the root): `f` or
/// `ns:pkg/iface#f`.
pub fn qualified(interface: Option<&str>, name: &str) -> String {
    match interface {
        Some(interface) => format!("{interface}#{name}"),
        None => name.to_owned(),
    }
}

/// The one function of `funcs` that `query` names, or the message saying why there is none.
/// `name_of` gives a function's interface (none at the root) and name.
pub fn pick<'a, T>(
    funcs: &'a [T],
    query: &str,
    name_of: impl Fn(&T) -> (Option<&str>, &str),
) -> Result<&'a T, String> {
    let (interface, name) = split_query(query);
    let candidates: Vec<&T> = match interface {
        Some(wanted) => funcs
            .iter()
            .filter(|func| {
                let (have, func_name) = name_of(func);
                func_name == name
                    && have.is_some_and(|have| wanted.matches(&InterfaceName::parse(have)))
            })
            .collect(),
        None => {
            let named = funcs.iter().filter(|func| name_of(func).1 == name);
            match named.clone().find(|func| name_of(func).0.is_none()) {
                Some(root) => vec![root],
                None => named.collect(),
            }
        }
    };
    // `f`, `ns:pkg/iface#g`, … in backticks, joined by `separator`.
    let list = |funcs: &mut dyn Iterator<Item = &T>, separator: &str| {
        let names: Vec<String> = funcs
            .map(|func| {
                let (interface, name) = name_of(func);
                format!("`{}`", qualified(interface, name))
            })
            .collect();
        names.join(separator)
    };
    match candidates[..] {
        [func] => Ok(func),
        [] if funcs.is_empty() => Err(format!(
            "the component has no export `{query}`: it exports no functions"
        )),
        [] => Err(format!(
            "the component has no export `{query}`; it exports {}",
            list(&mut funcs.iter(), ", ")
        )),
        _ => Err(format!(
            "`{query}` is ambiguous: it could be {}; write the interface too",
            list(&mut candidates.iter().copied(), " or ")
        )),
    }
}

/// Splits a query into the interface it names, if any, and the function name.
fn split_query(query: &str) -> (Option<InterfaceName<'_>>, &str) {
    if let Some((interface, name)) = query.split_once('#') {
        return (Some(InterfaceName::parse(interface)), name);
    }
    // WAVE puts the version last, after the function: `ns:pkg/iface.f@1.0.0`. The version belongs
    // to the interface, so it is cut off before looking for the `.`.
    let (path, version) = match query.split_once('@') {
        Some((path, version)) => (path, Some(version)),
        None => (query, None),
    };
    match path.rsplit_once('.') {
        Some((interface, name)) => {
            let interface = InterfaceName {
                version,
                ..InterfaceName::parse(interface)
            };
            (Some(interface), name)
        }
        None => (None, path),
    }
}

/// An interface name taken apart: `docs:calc/ops@0.1.0` → package `docs:calc`, name `ops`,
/// version `0.1.0`. Exports that aren't WIT interfaces (plain kebab names) are all name.
#[derive(Debug, PartialEq, Eq)]
struct InterfaceName<'a> {
    package: Option<&'a str>,
    name: &'a str,
    version: Option<&'a str>,
}

impl<'a> InterfaceName<'a> {
    fn parse(text: &'a str) -> InterfaceName<'a> {
        let (rest, version) = match text.split_once('@') {
            Some((rest, version)) => (rest, Some(version)),
            None => (text, None),
        };
        let (package, name) = match rest.rsplit_once('/') {
            Some((package, name)) => (Some(package), name),
            None => (None, rest),
        };
        InterfaceName {
            package,
            name,
            version,
        }
    }

    /// Whether this (possibly shortened) name refers to `full`: the names agree, and so do the
    /// package and version where this one gives them.
    fn matches(&self, full: &InterfaceName<'_>) -> bool {
        self.name == full.name
            && self
                .package
                .is_none_or(|package| Some(package) == full.package)
            && self
                .version
                .is_none_or(|version| Some(version) == full.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interface<'a>(
        package: Option<&'a str>,
        name: &'a str,
        version: Option<&'a str>,
    ) -> Option<InterfaceName<'a>> {
        Some(InterfaceName {
            package,
            name,
            version,
        })
    }

    #[test]
    fn splits_every_query_form() {
        assert_eq!(split_query("add"), (None, "add"));
        assert_eq!(
            split_query("ops.add"),
            (interface(None, "ops", None), "add")
        );
        assert_eq!(
            split_query("ops#add"),
            (interface(None, "ops", None), "add")
        );
        let full = interface(Some("docs:calc"), "ops", Some("0.1.0"));
        assert_eq!(split_query("docs:calc/ops@0.1.0#add"), (full, "add"));
        let full = interface(Some("docs:calc"), "ops", Some("0.1.0"));
        assert_eq!(split_query("docs:calc/ops.add@0.1.0"), (full, "add"));
        let unversioned = interface(Some("docs:calc"), "ops", None);
        assert_eq!(
            split_query("docs:calc/ops.parse-int"),
            (unversioned, "parse-int")
        );
    }

    #[test]
    fn shortened_interface_names_match_the_full_one() {
        let full = InterfaceName::parse("docs:calc/ops@0.1.0");
        for query in ["ops", "ops@0.1.0", "docs:calc/ops", "docs:calc/ops@0.1.0"] {
            assert!(InterfaceName::parse(query).matches(&full), "{query}");
        }
        for query in ["calc", "ops@0.2.0", "docs:other/ops", "x:calc/ops@0.1.0"] {
            assert!(!InterfaceName::parse(query).matches(&full), "{query}");
        }
    }
}
