//! The Claw compiler as a WebAssembly component: `claw:compiler/api` (`wit/compiler.wit`).
//! It is what the playground runs in the page, and what any component host can call to
//! compile Claw without the `claw` binary.
//!
//! The compiler is pure (`claw-compiler` does no IO), so this crate only converts: WIT files
//! given as text into a `Resolve` ([`wit_files`]), diagnostics into records ([`diagnostics`]),
//! and, for running a component in a JavaScript host, calls written in WAVE into jco's values
//! and jco's results back into WAVE ([`calls`], [`js`]). `build.sh` builds it for
//! `wasm32-unknown-unknown` and wraps it with `wit-component`; the component imports nothing.

mod calls;
mod diagnostics;
mod js;
mod wit_files;

wit_bindgen::generate!({
    path: "wit",
    world: "compiler",
});

pub use exports::claw::compiler::api::{
    Compiled, Diagnostic, ExportFunc, JsCall, OptLevel, Options, WitFile,
};

use claw_syntax::FileId;

/// The id of the only file in a compilation, as in the CLI.
const FILE: FileId = FileId(0);

/// The implementation of `claw:compiler/api`; each method is the function of that name.
pub struct Api;

#[cfg(target_arch = "wasm32")]
export!(Api);

impl exports::claw::compiler::api::Guest for Api {
    fn compile(
        file_name: String,
        source: String,
        wit: Vec<WitFile>,
        options: Options,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        let resolve = wit_files::resolve(&wit).map_err(|d| diagnostics::convert(&source, &[*d]))?;
        let options = claw_compiler::Options {
            debug_info: options.debug_info,
            opt_level: match options.opt_level {
                OptLevel::O0 => claw_compiler::OptLevel::O0,
                OptLevel::O1 => claw_compiler::OptLevel::O1,
                OptLevel::O2 => claw_compiler::OptLevel::O2,
                OptLevel::Os => claw_compiler::OptLevel::Os,
            },
            keep_ir: false,
        };
        let unit = unit(&file_name, &source);
        let compiled = claw_compiler::compile_with(unit, resolve, options)
            .map_err(|errors| diagnostics::convert(&source, &errors))?;
        // The component was just made by the compiler, so its world decodes; an export list
        // is a convenience the page can do without if it ever did not.
        let exports = calls::exports(&compiled.component).unwrap_or_default();
        Ok(Compiled {
            component: compiled.component,
            wit: compiled.wit,
            exports,
        })
    }

    fn check(file_name: String, source: String, wit: Vec<WitFile>) -> Vec<Diagnostic> {
        let errors = match wit_files::resolve(&wit) {
            Ok(resolve) => claw_compiler::check(unit(&file_name, &source), resolve),
            Err(error) => vec![*error],
        };
        diagnostics::convert(&source, &errors)
    }

    fn format(_file_name: String, source: String) -> Result<String, Vec<Diagnostic>> {
        match claw_fmt::format(&source) {
            Ok(text) => Ok(text),
            Err(claw_fmt::Error::Syntax(errors)) => {
                let errors: Vec<claw_compiler::Diagnostic> = errors
                    .into_iter()
                    .map(claw_compiler::Diagnostic::from)
                    .collect();
                Err(diagnostics::convert(&source, &errors))
            }
            Err(claw_fmt::Error::Changed(why)) => Err(diagnostics::convert(
                &source,
                &[claw_compiler::Diagnostic::error(
                    "format-changed-program",
                    format!(
                        "formatting would change the program ({why}); the text is left as it \
                         is. This is a bug in `claw fmt`"
                    ),
                )],
            )),
        }
    }

    fn render_diagnostics(
        file_name: String,
        source: String,
        diagnostics: Vec<Diagnostic>,
    ) -> String {
        let errors: Vec<claw_compiler::Diagnostic> =
            diagnostics.iter().map(diagnostics::back).collect();
        claw_render::report("compile", &file_name, &source, &errors, false)
    }

    fn parse_call(component: Vec<u8>, call: String) -> Result<JsCall, String> {
        calls::parse(&component, &call)
    }

    fn print_result(
        component: Vec<u8>,
        name: String,
        result: String,
    ) -> Result<Option<String>, String> {
        calls::print_result(&component, &name, &result)
    }
}

/// The file as the compiler sees it; `check!` messages name it by its file name alone, as the
/// CLI's do.
fn unit<'a>(file_name: &'a str, source: &'a str) -> claw_compiler::Source<'a> {
    let name = file_name.rsplit('/').next().unwrap_or(file_name);
    claw_compiler::Source {
        file: FILE,
        name: if name.is_empty() { "<input>" } else { name },
        text: source,
    }
}
