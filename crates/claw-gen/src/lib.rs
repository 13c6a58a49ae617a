//! Random, well-typed, terminating Claw programs, with calls to make on them, for
//! differential testing: the compiled component and a reference interpreter run the same
//! calls, and any difference in results or traps is a bug in one of them.
//!
//! [`generate`] is deterministic in its seed and [`Config`]. Every program compiles without
//! diagnostics, imports only [`ECHO`] functions, prints nothing, and finishes each call
//! quickly: loops run
//! over small ranges, lists and strings, or count to a small bound; recursion carries a
//! decreasing depth that starts at most 12; lists and strings that grow in loops or in
//! globals stop at a fixed length; and a work estimate for each function (loop rounds times
//! statements, plus callees) stays under a budget.
//!
//! The generator is type-directed: an expression is built for a wanted type from what is in
//! scope (`expr.rs`, `access.rs`), mirroring the checker's bidirectional inference so that
//! literals and inferred locals come out with the intended types. Programs use every integer
//! width, both float types, chars and strings with multi-byte and escaped characters, lists
//! (of lists, records and strings), tuples, options, results, and declared records, variants,
//! enums (sometimes with more than 256 cases), flags (up to 32) and aliases, in exported
//! signatures too; every operator and compound assignment, casts, `match` and `if let` with
//! nested patterns, `?` and `check!`, globals, shadowing, value semantics (a copy changed
//! after it was made), recursion and mutual recursion, and nested loops with `break` and
//! `continue` in every position. A few percent of divisions and indexes are unguarded, so
//! some calls trap. Some statements take the shapes the optimizer's passes rewrite, and
//! their near misses (`shapes.rs`): appends to strings in loops, `while i < xs.len()`,
//! helpers that hand back their argument, constants, `match` on cases with a catch-all,
//! copies out of `mut` locals, and calls that are a statement's whole value.
//!
//! One program in four (by default; [`Config::resource_percent`]) also implements a resource
//! in an inline exported interface, whose constructor and `drop` block log to a global, and
//! uses its handles everywhere (`resource.rs`, `handles.rs`): made, lent to methods and
//! `borrow` parameters, moved into `let`s, calls, static functions, lists, options,
//! tuples, a record, a global and `return`s, dropped early, replaced, matched out of
//! options, walked in lists, moved on one branch only or right before a `break`, and held
//! across `break`, `continue`, `return` and `?`, so that the order and number of drops
//! is compared. The generator follows the checker's ownership rules, and no handle appears
//! in an exported function's signature.
//!
//! Not generated: imports other than the echoes, export blocks other than the resource's,
//! `print`,
//! `%`-escaped names,
//! comments, loops that never break, and recursion that returns anything but a scalar.

mod access;
mod context;
mod expr;
mod func;
mod handles;
mod loops;
mod names;
mod pattern;
mod program;
mod resource;
mod rng;
mod shapes;
mod stmt;
mod types;
mod wave;

/// The prefix of every function a generated program imports: `import echo-…: func(x: T) -> T;`.
/// Whoever runs the program supplies each as the identity function.
pub const ECHO: &str = "echo-";

/// A generated program and the calls to make on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The whole `.claw` file.
    pub source: String,
    /// Invocations to make in order on ONE instance, as WAVE call text: `f(1, [2, 3], "x")`.
    /// Globals persist between calls; the last call is `state()`, which returns the
    /// mutable globals (and a resource's log and count of live handles, whose log calls to
    /// `I.events()` also take between the others).
    pub calls: Vec<String>,
}

/// How to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Roughly how much code: the number of functions and of statements per body grow with
    /// it. The default, 10, gives programs of about 30 to 150 lines.
    pub size: u32,
    /// How deeply expressions nest (at least 1).
    pub expr_depth: u32,
    /// The percentage of divisions, list indexes and element assignments written without a
    /// guard, so that some calls trap (divide by zero, index out of bounds).
    pub trap_percent: u32,
    /// The percentage of programs (chosen by the seed alone) that implement a resource
    /// and make, lend, move and drop its handles; the others come out as if resources did
    /// not exist.
    pub resource_percent: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            size: 10,
            expr_depth: 3,
            trap_percent: 3,
            resource_percent: 25,
        }
    }
}

/// Generates the program for `seed`.
pub fn generate(seed: u64, config: &Config) -> Generated {
    let mut gen = context::Gen::new(seed, config);
    gen.universe();
    if resource::resourced(seed, config.resource_percent) {
        gen.declare_resource();
    }
    gen.globals();
    gen.signatures();
    gen.bodies();

    let mut items = gen.types.items(&mut gen.rng);
    items.extend(gen.global_items());
    items.extend(gen.resource_items());
    let mut funcs: Vec<String> = gen.funcs.iter().map(|f| f.text.clone()).collect();
    // Definition order does not matter in Claw; sometimes show callers before callees.
    if gen.rng.chance(30) {
        gen.rng.shuffle(&mut funcs);
    }
    items.extend(funcs);
    items.push(gen.state_func());

    let mut source = format!("// Generated by claw-gen from seed {seed}.\n");
    for item in &items {
        source.push('\n');
        source.push_str(item);
        source.push('\n');
    }
    let calls = gen.calls();
    Generated { source, calls }
}
