//! The resource some programs implement (one in four by default, decided by the seed alone,
//! so that the other programs come out exactly as they would without it): an inline
//! exported interface `export I: interface { resource R { … } func events() … }` whose
//! constructor and `drop` block append to a global log and count the live handles. Where
//! and in which order the compiled code and the interpreter make and drop handles then
//! shows in results (`I.events()`, which returns the log and empties it, is called between
//! the other calls) and in the state after the last call (`state()` returns the log and the
//! count too). The members are fixed shapes under fresh names, some left out: methods that
//! read and change the fields through `self`, one that lends another handle, one that makes
//! a new handle, and static functions that take owned handles and give them back.
//!
//! Also here: the helpers with handle parameters and results, whose bodies `handles.rs`
//! and the ordinary statements write. No exported function's signature holds a handle: the
//! calls are written in WAVE, which has none.

use crate::context::{Func, Gen};
use crate::rng::Rng;
use crate::types::{Holder, Int, Ty};

/// The log stops growing at this length, so loops that make many handles cannot make a
/// call's (or the interpreter's) work grow with its square; the count of live handles
/// still sees every one.
const LOG_CAP: u32 = 600;

/// The resource's members, by what they do.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Member {
    /// `label() -> string`: the name.
    Label,
    /// `count() -> u32`: the counter.
    Count,
    /// `bump(k: u32) -> u32`: adds to the counter and returns it.
    Bump,
    /// `rename(s: string)`: appends to the name, while it is short.
    Rename,
    /// `add(v: u32)`: pushes to the list field, while it is short.
    Add,
    /// `total() -> u32`: the list field's sum.
    Total,
    /// `absorb(other: borrow<R>)`: adds another handle's counter and items (the handle itself
    /// is allowed: the loop walks the list as it was).
    Absorb,
    /// `split() -> R`: a new handle named after this one.
    Split,
    /// `static join(a: R, b: R) -> R`: a new handle from two it consumes.
    Join,
    /// `static weigh(a: R) -> u32`: consumes a handle.
    Weigh,
    /// `static make(k: u32) -> R`: the constructor, then a field set through the new handle.
    Make,
    /// `static keep(a: R, yes: bool) -> option<R>`: gives the handle back, or drops it.
    Keep,
}

/// The program's resource: its names, and what the generator still needs to know of it.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    /// The inline interface.
    pub(crate) iface: String,
    pub(crate) name: String,
    /// Globals: the log (`string`), the count of live handles (`s32`), and an
    /// `option<R>` that statements replace whole (it is never read: a handle cannot move
    /// out of a global).
    pub(crate) log: String,
    pub(crate) live: String,
    pub(crate) held: String,
    /// The interface's function that returns the log and empties it.
    pub(crate) events: String,
    fields: [String; 3],
    members: Vec<(Member, String)>,
    /// Whether `drop` logs the counter as well as the name: which handle a method changed
    /// then shows too.
    drop_shows_count: bool,
    /// Labels handed out for constructor arguments so far.
    pub(crate) labels: u32,
}

impl Resource {
    /// The name of `member`, if the resource has it.
    pub(crate) fn member(&self, member: Member) -> Option<&str> {
        self.members
            .iter()
            .find(|(m, _)| *m == member)
            .map(|(_, name)| name.as_str())
    }
}

/// Whether the program of `seed` implements a resource: a draw of its own, so the main
/// stream of random numbers (and so every program without one) is what it was before
/// resources existed.
pub(crate) fn resourced(seed: u64, percent: u32) -> bool {
    Rng::new(seed ^ 0x2e50_07ce_d0e5_0000).chance(percent)
}

impl Gen<'_> {
    /// Names the resource, its members, the globals it writes and the holder record.
    pub(crate) fn declare_resource(&mut self) {
        let mut fresh = || self.names.fresh(&mut self.rng);
        let (iface, name, log, live, held, events) =
            (fresh(), fresh(), fresh(), fresh(), fresh(), fresh());
        let fields = [fresh(), fresh(), fresh()];
        let holder = Holder {
            name: fresh(),
            item: fresh(),
            weight: fresh(),
        };
        use Member::*;
        let mut members = Vec::new();
        for member in [
            Label, Count, Bump, Rename, Add, Total, Absorb, Split, Join, Weigh, Make, Keep,
        ] {
            let always = matches!(member, Label | Count | Bump);
            if always || self.rng.chance(65) {
                let name = self.names.fresh(&mut self.rng);
                members.push((member, name));
            }
        }
        let drop_shows_count = self.rng.chance(50);
        self.types.resource = Some(name.clone());
        self.types.holder = Some(holder);
        self.res = Some(Resource {
            iface,
            name,
            log,
            live,
            held,
            events,
            fields,
            members,
            drop_shows_count,
            labels: 0,
        });
    }

    /// The resource's globals and the export block that implements it; nothing without one.
    pub(crate) fn resource_items(&mut self) -> Vec<String> {
        let Some(res) = self.res.clone() else {
            return Vec::new();
        };
        let r = &res.name;
        let held_ty = self.types.render(&Ty::option(Ty::Handle), &mut self.rng);
        let globals = format!(
            "let mut {}: string = \"\";\nlet mut {}: s32 = 0;\nlet mut {}: {held_ty} = none;",
            res.log, res.live, res.held
        );
        let [name, count, items] = &res.fields;
        let (log, live) = (&res.log, &res.live);
        let logged = |what: &str| {
            format!(
                "            if {log}.len() < {LOG_CAP} {{\n                {log} += {what};\n            }}\n"
            )
        };
        let mut text = format!("export {}: interface {{\n    resource {r} {{\n", res.iface);
        text.push_str(&format!(
            "        {name}: string,\n        {count}: u32,\n        {items}: list<u32>,\n\n"
        ));
        text.push_str(&format!(
            "        constructor({name}: string) {{\n            {live} += 1;\n{}            return new {r} {{{name}: {name}, {count}: 0, {items}: []}};\n        }}\n",
            logged(&format!("\"+\" + {name}"))
        ));
        let shown = if res.drop_shows_count {
            format!("\"-\" + self.{name} + \":\" + self.{count}.to-string()")
        } else {
            format!("\"-\" + self.{name}")
        };
        text.push_str(&format!(
            "\n        drop {{\n            {live} -= 1;\n{}        }}\n",
            logged(&shown)
        ));
        let mut members: Vec<String> = res
            .members
            .iter()
            .map(|(member, fname)| self.member_text(&res, *member, fname))
            .collect();
        // Definition order does not matter.
        self.rng.shuffle(&mut members);
        for member in members {
            text.push('\n');
            text.push_str(&member);
        }
        text.push_str(&format!(
            "    }}\n\n    func {}() -> string {{\n        let e = {log};\n        {log} = \"\";\n        return e;\n    }}\n}}",
            res.events
        ));
        vec![globals, text]
    }

    fn member_text(&mut self, res: &Resource, member: Member, fname: &str) -> String {
        let r = &res.name;
        let [name, count, items] = &res.fields;
        let borrow = self.types.render(&Ty::Borrow, &mut self.rng);
        let own = self.types.render(&Ty::Handle, &mut self.rng);
        let body = match member {
            Member::Label => {
                format!("func {fname}() -> string {{\n    return self.{name};\n}}")
            }
            Member::Count => format!("func {fname}() -> u32 {{\n    return self.{count};\n}}"),
            Member::Bump => format!(
                "func {fname}(k: u32) -> u32 {{\n    self.{count} += k;\n    return self.{count};\n}}"
            ),
            Member::Rename => format!(
                "func {fname}(s: string) {{\n    if self.{name}.len() < 10 {{\n        self.{name} += s;\n    }}\n}}"
            ),
            Member::Add => format!(
                "func {fname}(v: u32) {{\n    if self.{items}.len() < 16 {{\n        self.{items}.push(v);\n    }}\n}}"
            ),
            Member::Total => format!(
                "func {fname}() -> u32 {{\n    let mut t: u32 = 0;\n    for v in self.{items} {{\n        t += v;\n    }}\n    return t;\n}}"
            ),
            Member::Absorb => format!(
                "func {fname}(other: {borrow}) {{\n    self.{count} += other.{count};\n    for v in other.{items} {{\n        if self.{items}.len() < 16 {{\n            self.{items}.push(v);\n        }}\n    }}\n}}"
            ),
            Member::Split => format!(
                "func {fname}() -> {own} {{\n    return {r}(self.{name} + \"'\");\n}}"
            ),
            Member::Join => format!(
                "static func {fname}(a: {r}, b: {own}) -> {r} {{\n    let mut joined = a.{name} + b.{name};\n    if joined.len() > 12 {{\n        joined = \"j\";\n    }}\n    let c = {r}(joined);\n    c.{count} = a.{count} + b.{count};\n    return c;\n}}"
            ),
            Member::Weigh => format!(
                "static func {fname}(a: {own}) -> u32 {{\n    return a.{count} + a.{items}.len();\n}}"
            ),
            Member::Make => format!(
                "static func {fname}(k: u32) -> {r} {{\n    let made = {r}(\"m\" + k.to-string());\n    made.{count} = k;\n    return made;\n}}"
            ),
            Member::Keep => format!(
                "static func {fname}(a: {r}, yes: bool) -> option<{r}> {{\n    if yes {{\n        return some(a);\n    }}\n    return none;\n}}"
            ),
        };
        body.lines()
            .map(|line| format!("        {line}\n"))
            .collect()
    }

    /// The resource's part of `state()`: the log and the count of live handles.
    pub(crate) fn resource_state(&self) -> Vec<(String, String)> {
        match &self.res {
            Some(res) => vec![
                (res.log.clone(), "string".into()),
                (res.live.clone(), "s32".into()),
            ],
            None => Vec::new(),
        }
    }

    /// The call that takes the log: `I.events()`.
    pub(crate) fn events_call(&self) -> Option<String> {
        self.res
            .as_ref()
            .map(|res| format!("{}.{}()", res.iface, res.events))
    }

    /// A helper with a handle among its parameters (owned, lent, or in a list, an option, a
    /// tuple or the holder record) and often in its result, or a result `?` can pass on.
    pub(crate) fn handle_helper_signature(&mut self) -> Func {
        let name = self.names.fresh(&mut self.rng);
        let first = match self.rng.weighted(&[40, 30, 8, 10, 6, 6]) {
            0 => Ty::Handle,
            1 => Ty::Borrow,
            2 => Ty::option(Ty::Handle),
            3 => Ty::list(Ty::Handle),
            4 => Ty::Holder,
            _ => Ty::Tuple(vec![Ty::Handle, Ty::Int(Int::U32)]),
        };
        let mut params = vec![(self.names.fresh(&mut self.rng), first)];
        for _ in 0..self.rng.range(0, 2) {
            let ty = match self.rng.below(5) {
                0 => Ty::Borrow,
                1 => Ty::Handle,
                _ => self.scalar_type(),
            };
            params.push((self.names.fresh(&mut self.rng), ty));
        }
        if self.rng.chance(40) {
            self.rng.shuffle(&mut params);
        }
        let ret = match self.rng.weighted(&[12, 16, 18, 10, 20, 10, 14]) {
            0 => None,
            1 => Some(self.scalar_type()),
            2 => Some(Ty::Handle),
            3 => Some(Ty::option(Ty::Handle)),
            4 => Some(Ty::result(Some(Ty::Int(Int::U32)), Some(Ty::Str))),
            5 => Some(Ty::option(Ty::Int(Int::U32))),
            _ => Some(Ty::Int(Int::U32)),
        };
        Func {
            name,
            params,
            ret,
            exported: false,
            rec: None,
            cost: 0,
            text: String::new(),
            copies: false,
            imported: false,
            hands_back: false,
        }
    }
}
