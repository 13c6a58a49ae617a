//! The Claw compiler: from source text to a WebAssembly component.
//!
//! The pipeline is parse ([`claw_syntax`]) → check (names and types, into side tables) →
//! world (the WIT world the file's imports and exports make) → codegen (core Wasm with the
//! Canonical ABI) → component (`wit-component` wraps the module with its world). Nothing here
//! does IO: the caller reads files and loads WIT packages into a [`wit_parser::Resolve`].

mod check;
mod codegen;
mod component;
mod diagnostics;
pub mod interp;
mod ir;
mod library;
mod lower;
mod opt;
mod program;
pub mod query;
mod types;
mod world;

pub use diagnostics::{Diagnostic, Label};
pub use wit_parser::Resolve;

use claw_syntax::FileId;

/// What a successful compilation produces.
pub struct Compiled {
    /// The component binary, already validated.
    pub component: Vec<u8>,
    /// The file's world, as WIT text.
    pub wit: String,
    /// The core module inside the component, before `wit-component` wrapped it.
    pub core: Vec<u8>,
    /// The optimized IR as text, if [`Options::keep_ir`] asked for it.
    pub ir: Option<String>,
}

/// One source file: its id in spans, the name messages show for it, and its text.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub file: FileId,
    pub name: &'a str,
    pub text: &'a str,
}

/// How to compile.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Whether the component carries a DWARF line table, so backtraces name source lines.
    /// It costs a few hundred bytes.
    pub debug_info: bool,
    pub opt_level: OptLevel,
    /// Whether [`Compiled::ir`] is filled in.
    pub keep_ir: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            debug_info: true,
            opt_level: OptLevel::default(),
            keep_ir: false,
        }
    }
}

/// How hard the optimizer works (`claw build -O0 | -O1 | -O2 | -Os`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OptLevel {
    /// The IR as lowered: what the source says, in the order it says it.
    O0,
    /// The cheap passes: constants, dead code.
    O1,
    /// Everything.
    #[default]
    O2,
    /// Everything, preferring the smaller of two forms, and without what only helps
    /// debugging (the names and producers sections).
    Os,
}

/// Compiles one file. `resolve` holds the WIT packages its `import … from` items may name.
pub fn compile(source: Source, resolve: Resolve) -> Result<Compiled, Vec<Diagnostic>> {
    compile_with(source, resolve, Options::default())
}

/// [`compile`] with [`Options`].
pub fn compile_with(
    source: Source,
    resolve: Resolve,
    options: Options,
) -> Result<Compiled, Vec<Diagnostic>> {
    let (program, diagnostics) = analyze(source, resolve);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut program = program;
    let world = world::build(&mut program)?;
    let lines = options.debug_info.then_some((source.name, source.text));
    let mut ir = lower::lower(&mut program);
    // From here on only the IR, the signatures and the types are read: the syntax tree and
    // the checker's tables go, so code generation reuses their memory.
    program.release_bodies();
    opt::optimize(&mut ir, &program, options.opt_level);
    let ir_text = options.keep_ir.then(|| ir::print(&ir, &program));
    let small = options.opt_level == OptLevel::Os;
    let style = codegen::Style {
        names: !small,
        small,
    };
    let core = codegen::emit(&program, &ir, &world, lines, style);
    let mut component = component::encode(core.clone(), &program, &world)?;
    if options.opt_level == OptLevel::Os {
        component = component::strip_custom_sections(&component);
        component = component::shrink(&component);
    }
    Ok(Compiled {
        component,
        wit: world.text,
        core,
        ir: ir_text,
    })
}

/// Reports every diagnostic for one file without generating code.
pub fn check(source: Source, resolve: Resolve) -> Vec<Diagnostic> {
    let (mut program, mut diagnostics) = analyze(source, resolve);
    if diagnostics.is_empty() {
        if let Err(errors) = world::build(&mut program) {
            diagnostics.extend(errors);
        }
    }
    diagnostics
}

/// Checks one file, as [`compile`] does, and makes an instance of it for the reference
/// interpreter ([`interp`]), whose imports `host` supplies.
pub fn interpret(
    source: Source,
    resolve: Resolve,
    host: Box<dyn interp::Host>,
) -> Result<interp::Instance, Vec<Diagnostic>> {
    let (mut program, diagnostics) = analyze(source, resolve);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    world::build(&mut program)?;
    Ok(interp::Instance::new(program, host))
}

/// Adds the bundled WASI 0.2 packages, unless the caller's packages already have them:
/// `print` writes to `wasi:cli/stdout`, a command exports `wasi:cli/run`, and a service exports
/// `wasi:http/incoming-handler`, so none of them needs a `wit/` folder.
fn with_wasi(mut resolve: Resolve) -> Resolve {
    for (namespace, name, file, text) in [
        (
            "wasi",
            "io",
            "wasi-io.wit",
            include_str!("../wit/wasi-io.wit"),
        ),
        (
            "wasi",
            "clocks",
            "wasi-clocks.wit",
            include_str!("../wit/wasi-clocks.wit"),
        ),
        (
            "wasi",
            "cli",
            "wasi-cli.wit",
            include_str!("../wit/wasi-cli.wit"),
        ),
        (
            "wasi",
            "http",
            "wasi-http.wit",
            include_str!("../wit/wasi-http.wit"),
        ),
    ] {
        let present = resolve.packages.iter().any(|(_, p)| {
            p.name.namespace == namespace
                && p.name.name == name
                && p.name
                    .version
                    .as_ref()
                    .is_some_and(|v| v.to_string() == WASI_VERSION)
        });
        if !present {
            resolve
                .push_str(file, text)
                .expect("the bundled WASI interfaces are valid WIT");
        }
    }
    resolve
}

/// The WASI 0.2 version the bundled interfaces declare; hosts accept it for any 0.2.x.
pub const WASI_VERSION: &str = "0.2.0";

fn analyze(source: Source, resolve: Resolve) -> (program::Program, Vec<Diagnostic>) {
    let resolve = with_wasi(resolve);
    let (mut ast, syntax_errors) = claw_syntax::parse(source.file, source.text);
    let mut diagnostics: Vec<Diagnostic> =
        syntax_errors.into_iter().map(Diagnostic::from).collect();
    diagnostics.extend(library::link(&mut ast));
    let origin = check::Origin {
        name: source.name,
        text: source.text,
    };
    let (program, check_errors) = check::check(ast, resolve, &origin);
    // Type errors in a file that did not parse are mostly echoes of the syntax error.
    if diagnostics.is_empty() {
        diagnostics.extend(check_errors.into_iter().map(library::outside));
    }
    (program, diagnostics)
}
