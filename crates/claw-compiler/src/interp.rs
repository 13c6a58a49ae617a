//! A reference interpreter for checked Claw programs: the test oracle for code generation.
//!
//! It evaluates a program straight from its checked form (the syntax tree and the checker's
//! tables), with the language's semantics written down a second time, independently of
//! `codegen`: values are plain data (`value`), operators follow the reference (`ops`), and the
//! evaluator (`eval`) walks statements and expressions. It shares nothing with code generation
//! but the checker's output, so a differential test that runs the same calls through both
//! and compares the results catches the compiler computing something the language does not.
//!
//! Calls are written in WAVE and results come back as WAVE values, so they parse, print and
//! compare exactly as `claw run`'s do.

mod eval;
mod ops;
mod value;

use wasm_wave::untyped::UntypedFuncCall;
use wasm_wave::value::Value as WaveValue;

use crate::program::{FuncKind, Program};
use value::{from_wave, to_wave, wave_type, Value};

/// A trap: the reason, in the words wasmtime and `claw-runtime` use for the same trap
/// (`integer divide by zero`, `index out of bounds`, `integer overflow`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    pub message: String,
}

impl Trap {
    pub fn new(message: impl Into<String>) -> Trap {
        Trap {
            message: message.into(),
        }
    }
}

/// What a call can come to besides a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The program trapped.
    Trap(Trap),
    /// The call itself was wrong: no such export, or arguments that do not parse.
    Invoke(String),
}

/// The functions a program imports, supplied by whoever runs the interpreter.
pub trait Host {
    /// Calls import `name` (of `interface`, or at the world's root) with `args`.
    fn call(
        &mut self,
        interface: Option<&str>,
        name: &str,
        args: &[WaveValue],
    ) -> Result<Option<WaveValue>, String>;
}

/// A host that supplies nothing.
pub struct NoImports;

impl Host for NoImports {
    fn call(
        &mut self,
        interface: Option<&str>,
        name: &str,
        _args: &[WaveValue],
    ) -> Result<Option<WaveValue>, String> {
        let qualified = match interface {
            Some(interface) => format!("{interface}#{name}"),
            None => name.to_owned(),
        };
        Err(format!("import `{qualified}` is not supplied"))
    }
}

/// One instance of a program: its globals persist from call to call, as a component
/// instance's do.
pub struct Instance {
    program: Program,
    globals: Vec<Value>,
    /// The table of resources the program implements: see [`eval::Handles`].
    handles: eval::Handles,
    stdout: String,
    host: Box<dyn Host>,
    fuel: Option<u64>,
}

/// The message of the trap that ends a call when its fuel runs out.
pub use eval::OUT_OF_FUEL;

impl Instance {
    pub(crate) fn new(program: Program, host: Box<dyn Host>) -> Instance {
        Instance {
            globals: eval::Machine::initial_globals(&program),
            handles: eval::Handles::default(),
            program,
            stdout: String::new(),
            host,
            fuel: None,
        }
    }

    /// Stops each later call after it runs `fuel` statements and loop rounds (copying or
    /// joining lists and strings costs their length too, so fuel bounds memory as well), with
    /// a trap whose message is [`OUT_OF_FUEL`]; `None` lets calls run for ever.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel;
    }

    /// Makes one call written in WAVE (`f(1, "x")`, `tests.adds()`) and returns its result,
    /// or `None` for a function without one.
    pub fn call(&mut self, invocation: &str) -> Result<Option<WaveValue>, CallError> {
        // WAVE's call grammar has no `ns:pkg/iface@1.0.0#f` names: parse only the arguments.
        let (name, args) = match invocation.find('(') {
            Some(open) => (invocation[..open].trim(), &invocation[open..]),
            None => (invocation.trim(), "()"),
        };
        let func = self
            .find_export(name)
            .ok_or_else(|| CallError::Invoke(format!("no export named `{name}`")))?;
        let args_text = format!("f{args}");
        let call = UntypedFuncCall::parse(&args_text)
            .map_err(|err| CallError::Invoke(format!("cannot parse `{invocation}`: {err}")))?;
        let types = &self.program.types;
        let def = &self.program.funcs[func];
        let wave_types: Vec<_> = def
            .param_types
            .iter()
            .map(|&t| wave_type(types, t))
            .collect();
        let args: Vec<WaveValue> = call
            .to_wasm_params(wave_types.iter())
            .map_err(|err| CallError::Invoke(format!("bad arguments: {err}")))?;
        let args = args
            .iter()
            .zip(&def.param_types)
            .map(|(v, &t)| from_wave(types, t, v))
            .collect();
        let result_ty = def.result;
        let host = std::mem::replace(&mut self.host, Box::new(NoImports));
        let globals = std::mem::take(&mut self.globals);
        let mut machine = eval::Machine::new(&self.program, host, globals);
        machine.fuel = self.fuel;
        machine.handles = std::mem::take(&mut self.handles);
        let outcome = machine.call(func, args);
        self.globals = machine.globals;
        self.handles = machine.handles;
        self.stdout.push_str(&machine.stdout);
        self.host = machine.host;
        let value = outcome.map_err(CallError::Trap)?;
        Ok(result_ty.map(|ty| to_wave(&self.program.types, ty, &value)))
    }

    /// How many resources the program implements are alive (created, not yet dropped).
    pub fn live_resources(&self) -> usize {
        self.handles.live()
    }

    /// Everything `print` and `println` wrote so far.
    pub fn stdout(&self) -> &str {
        &self.stdout
    }

    /// The exported function a call names: `f`, `iface.f`, `ns:pkg/iface#f` or
    /// `ns:pkg/iface.f@1.0.0`, as `claw run` accepts them. A bare name prefers the root.
    fn find_export(&self, query: &str) -> Option<usize> {
        let (interface, name) = split_query(query);
        let exports = self
            .program
            .funcs
            .iter()
            .enumerate()
            .filter_map(|(id, f)| match f.kind {
                FuncKind::Defined {
                    exported: true,
                    interface,
                    ..
                } if f.name == name => Some((id, interface)),
                _ => None,
            });
        let candidates: Vec<(usize, Option<usize>)> = exports.collect();
        let Some(wanted) = interface else {
            if let Some((id, _)) = candidates.iter().find(|(_, i)| i.is_none()) {
                return Some(*id);
            }
            return match candidates.as_slice() {
                [(id, _)] => Some(*id),
                _ => None,
            };
        };
        candidates.into_iter().find_map(|(id, iface)| {
            let full = &self.program.exported_interfaces[iface?].name;
            let unversioned = full.split('@').next().unwrap_or(full);
            let short = unversioned.rsplit('/').next().unwrap_or(unversioned);
            [full.as_str(), unversioned, short]
                .contains(&wanted.as_str())
                .then_some(id)
        })
    }
}

/// Splits a call's name into interface (if any) and function.
fn split_query(query: &str) -> (Option<String>, &str) {
    if let Some((interface, name)) = query.rsplit_once('#') {
        return (Some(interface.to_owned()), name);
    }
    let (base, version) = match query.split_once('@') {
        Some((base, version)) => (base, Some(version)),
        None => (query, None),
    };
    match base.rsplit_once('.') {
        Some((interface, name)) => {
            let interface = match version {
                Some(v) => format!("{interface}@{v}"),
                None => interface.to_owned(),
            };
            (Some(interface), &base[base.len() - name.len()..])
        }
        None => (None, query),
    }
}
