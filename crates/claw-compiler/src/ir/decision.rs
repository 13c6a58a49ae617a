//! A `match`'s (or an `if let`'s) patterns compiled to a decision tree, once, when the
//! program is lowered.
//!
//! The tree tests each part of the scrutinee at most once on any path from its root (a
//! number tested against ranges that overlap may be tested again) and names the arm that
//! runs at each leaf; code generation turns a node into one `br_table` or a chain of tests,
//! and each arm's code (its guard's too) is written once, after the tree, so no arm body is
//! ever duplicated. Binding a matched arm's names needs no test: the tree has decided.
//!
//! The construction is the classic one for ML-style patterns (Maranget, "Compiling Pattern
//! Matching to Good Decision Trees", 2008): rows of pending tests, one per arm, in order;
//! the first row's first test picks what to switch on, each outcome keeps the rows that
//! agree with it (rows that do not test that part agree with every outcome), and a row
//! with nothing left to test is the arm that runs, unless it has a guard: then the leaf reads
//! the guard, and where it fails a second tree, of the arms after that one, goes on. Each
//! guarded arm has one such tree, shared by all its leaves, so guards never make the trees
//! grow more than the arms do.
//!
//! Numbers and chars tested against ranges do not split into one outcome per value: such a
//! node asks whether the value is in the first row's range; a row whose range only overlaps
//! that one goes on both ways, its test still pending.

use crate::ir::{Arm, Pat};
use crate::types::{TypeDef, TypeId, Types};

/// One step into a value: a tuple's item, or the payload of a case known to be the one
/// the value holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Item(u32),
    Payload(u32),
}

/// Where a tested value sits inside the scrutinee: the steps from the scrutinee to it.
pub type Path = Vec<Part>;

/// What one outcome of a [`Decision::Switch`] requires of the tested value.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Case(u32),
    Int(i128),
    Char(char),
    Bool(bool),
    Str(String),
    /// An integer or a char's code point from the first through the second.
    Range(i128, i128),
}

impl Test {
    /// The values of a number or char test, as a range.
    fn run(&self) -> Option<(i128, i128)> {
        match *self {
            Test::Int(v) => Some((v, v)),
            Test::Char(c) => Some((u32::from(c).into(), u32::from(c).into())),
            Test::Range(lo, hi) => Some((lo, hi)),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Decision {
    /// The arm at this position runs: its pattern matches.
    Arm(u32),
    /// The pattern of the arm at this position matches: its names are bound and its guard
    /// read; the arm runs if it holds, else its tree in [`Trees::after`] goes on.
    Guard(u32),
    /// No arm matches: the `else` of an `if let`; never reached in a checked `match`.
    Fail,
    /// Tests the value at `path` (of type `ty`): the first outcome whose test holds
    /// decides, else `default`, which is `None` when the tests cover every value.
    Switch {
        path: Path,
        ty: TypeId,
        cases: Vec<(Test, Decision)>,
        default: Option<Box<Decision>>,
    },
}

/// The decision tree that picks, for a value of type `ty`, the first of `pats` that
/// matches it.
pub fn decide(types: &Types, ty: TypeId, pats: &[&Pat]) -> Decision {
    let rows = pats
        .iter()
        .enumerate()
        .map(|(arm, &pat)| Row {
            tests: vec![(Vec::new(), ty, pat)],
            arm: arm as u32,
            guarded: false,
        })
        .collect();
    compile(types, rows)
}

/// A `match`'s decision trees: `root` picks the first arm whose pattern matches; at a
/// guarded arm's leaf its guard is read, and where it fails, that arm's tree in `after`
/// picks among the arms after it.
#[derive(Clone, Debug)]
pub struct Trees {
    pub root: Decision,
    /// Per guarded arm, in order.
    pub after: Vec<(u32, Decision)>,
}

/// The decision trees that pick the first of a `match`'s `arms` whose pattern matches a
/// value of type `ty` and whose guard, if any, holds.
pub fn decide_arms(types: &Types, ty: TypeId, arms: &[Arm]) -> Trees {
    let rows: Vec<Row> = arms
        .iter()
        .enumerate()
        .map(|(index, arm)| Row {
            tests: vec![(Vec::new(), ty, &arm.pat)],
            arm: index as u32,
            guarded: arm.guard.is_some(),
        })
        .collect();
    let after = rows
        .iter()
        .filter(|row| row.guarded)
        .map(|guarded| {
            let rest = rows
                .iter()
                .filter(|row| row.arm > guarded.arm)
                .cloned()
                .collect();
            (guarded.arm, compile(types, rest))
        })
        .collect();
    Trees {
        root: compile(types, rows),
        after,
    }
}

/// An arm's pending tests: at most one per path.
#[derive(Clone)]
struct Row<'a> {
    tests: Vec<(Path, TypeId, &'a Pat)>,
    arm: u32,
    guarded: bool,
}

fn compile(types: &Types, rows: Vec<Row<'_>>) -> Decision {
    let rows: Vec<Row> = rows
        .into_iter()
        .flat_map(|row| simplify(types, row))
        .collect();
    let Some(first) = rows.first() else {
        return Decision::Fail;
    };
    let Some((path, ty, first_pat)) = first.tests.first().cloned() else {
        return if first.guarded {
            Decision::Guard(first.arm)
        } else {
            Decision::Arm(first.arm)
        };
    };
    if rows
        .iter()
        .any(|row| matches!(row.test_at(&path), Some(Pat::Range(..))))
    {
        return split_range(types, &rows, path, ty, head(first_pat));
    }
    let mut tests: Vec<Test> = Vec::new();
    for row in &rows {
        if let Some(pat) = row.test_at(&path) {
            let test = head(pat);
            if !tests.contains(&test) {
                tests.push(test);
            }
        }
    }
    let complete = match types.def(ty) {
        TypeDef::Bool => tests.len() == 2,
        _ => types.case_count(ty) == Some(tests.len()),
    };
    let default = (!complete).then(|| {
        let rest = rows
            .iter()
            .filter(|row| row.test_at(&path).is_none())
            .cloned()
            .collect();
        Box::new(compile(types, rest))
    });
    let cases = tests
        .into_iter()
        .map(|test| {
            let rows = specialize(types, &rows, &path, ty, &test);
            (test, compile(types, rows))
        })
        .collect();
    Decision::Switch {
        path,
        ty,
        cases,
        default,
    }
}

/// A node that asks whether the value at `path` is in `test`'s range (a number or char
/// test): inside, the rows whose range holds all of it have passed, those whose range
/// misses it are out, and those whose range overlaps it test again; outside, the rows
/// whose range lies within it are out, and the others go on as they were.
fn split_range(types: &Types, rows: &[Row<'_>], path: Path, ty: TypeId, test: Test) -> Decision {
    let (lo, hi) = test.run().expect("checked: ranges are of numbers or chars");
    let mut inside = Vec::new();
    let mut outside = Vec::new();
    for row in rows {
        let Some(index) = row.tests.iter().position(|(at, _, _)| *at == path) else {
            inside.push(row.clone());
            outside.push(row.clone());
            continue;
        };
        let (a, b) = head(row.tests[index].2)
            .run()
            .expect("checked: ranges are of numbers or chars");
        if a <= lo && hi <= b {
            let mut matched = row.clone();
            matched.tests.remove(index);
            inside.push(matched);
        } else if lo <= b && a <= hi {
            inside.push(row.clone());
        }
        if !(lo <= a && b <= hi) {
            outside.push(row.clone());
        }
    }
    Decision::Switch {
        path,
        ty,
        cases: vec![(test, compile(types, inside))],
        default: Some(Box::new(compile(types, outside))),
    }
}

impl<'a> Row<'a> {
    fn test_at(&self, path: &Path) -> Option<&'a Pat> {
        self.tests
            .iter()
            .find(|(at, _, _)| at == path)
            .map(|&(_, _, pat)| pat)
    }
}

/// The row with what always matches dropped and tuples split into their items, so each
/// pending test looks at one case, number, character or string. A row with an `|` pattern
/// becomes one row per alternative, in order, all naming the same arm (whose alternatives
/// bind nothing, so any of them may decide).
fn simplify<'a>(types: &Types, row: Row<'a>) -> Vec<Row<'a>> {
    let mut tests = Vec::new();
    let mut work = row.tests;
    work.reverse();
    while let Some((path, ty, pat)) = work.pop() {
        match pat {
            Pat::Wildcard | Pat::Bind(_) => {}
            Pat::Tuple(items) => {
                let TypeDef::Tuple(item_types) = types.def(ty) else {
                    unreachable!("checked: a tuple pattern has a tuple type")
                };
                for (index, (item, &item_ty)) in items.iter().zip(item_types).enumerate().rev() {
                    let mut at = path.clone();
                    at.push(Part::Item(index as u32));
                    work.push((at, item_ty, item));
                }
            }
            Pat::Or(alternatives) => {
                work.reverse();
                return alternatives
                    .iter()
                    .flat_map(|alternative| {
                        let mut tests = tests.clone();
                        tests.push((path.clone(), ty, alternative));
                        tests.extend(work.iter().cloned());
                        simplify(
                            types,
                            Row {
                                tests,
                                arm: row.arm,
                                guarded: row.guarded,
                            },
                        )
                    })
                    .collect();
            }
            _ => tests.push((path, ty, pat)),
        }
    }
    vec![Row {
        tests,
        arm: row.arm,
        guarded: row.guarded,
    }]
}

/// The rows that can still match once the value at `path` passed `test`, with that value's
/// test replaced by what its payload must match.
fn specialize<'a>(
    types: &Types,
    rows: &[Row<'a>],
    path: &Path,
    ty: TypeId,
    test: &Test,
) -> Vec<Row<'a>> {
    let mut out = Vec::new();
    for row in rows {
        let Some(index) = row.tests.iter().position(|(at, _, _)| at == path) else {
            out.push(row.clone());
            continue;
        };
        let pat = row.tests[index].2;
        if head(pat) != *test {
            continue;
        }
        let mut row = row.clone();
        row.tests.remove(index);
        if let Pat::Case(case, Some(payload)) = pat {
            let (_, payload_ty) = types.case(ty, *case).expect("checked: a case of the type");
            let mut at = path.clone();
            at.push(Part::Payload(*case));
            row.tests.insert(
                index,
                (
                    at,
                    payload_ty.expect("checked: the case has a payload"),
                    payload,
                ),
            );
        }
        out.push(row);
    }
    out
}

/// What a refutable pattern tests first.
fn head(pat: &Pat) -> Test {
    match pat {
        Pat::Case(case, _) => Test::Case(*case),
        Pat::Int(v) => Test::Int(*v),
        Pat::Char(c) => Test::Char(*c),
        Pat::Bool(b) => Test::Bool(*b),
        Pat::Str(text) => Test::Str(text.clone()),
        Pat::Range(lo, hi) => Test::Range(*lo, *hi),
        Pat::Wildcard | Pat::Bind(_) | Pat::Tuple(_) | Pat::Or(_) => {
            unreachable!("simplified: only refutable patterns are pending")
        }
    }
}

/// The type of the value `part` steps to from a value of type `ty`.
pub fn part_type(types: &Types, ty: TypeId, part: Part) -> TypeId {
    match part {
        Part::Item(index) => match types.def(ty) {
            TypeDef::Tuple(items) => items[index as usize],
            _ => unreachable!("checked: an item of a tuple"),
        },
        Part::Payload(case) => types
            .case(ty, case)
            .and_then(|(_, payload)| payload)
            .expect("checked: the case has a payload"),
    }
}
