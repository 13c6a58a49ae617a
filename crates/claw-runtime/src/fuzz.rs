//! [`Fuzzer`]: calls the exported functions of any component with arguments generated from
//! their WIT types alone ([`crate::property`]), each call in a fresh instance under the
//! sandbox's limits, and reports each distinct failure once, shrunk.
//!
//! A failure is a trap, an exceeded limit, or a host error; a function that returns `err(…)`
//! has answered, and has not failed. Two failures are the same when the same function fails
//! with the same message at the same innermost frame, so one bug hit with many inputs is
//! reported once, with the smallest input that still shows it.

use std::time::{Duration, Instant};

use wasmtime::component::{ComponentExportIndex, InstancePre, Type, Val};
use wasmtime::Engine;

use crate::config::{Config, Sandbox, Settings};
use crate::engine::engine;
use crate::error::RunError;
use crate::exports::exported_types;
use crate::host::Host;
use crate::property::{self, Rng};
use crate::session::load;
use crate::store::{self, Captured, State};
use crate::test_runner::{Fresh, TestFailure};
use crate::wave::to_wave;

/// How long shrinking one failure may take.
const MAX_SHRINK_TIME: Duration = Duration::from_secs(10);

/// A component's exported functions, ready to be called with generated arguments.
pub struct Fuzzer {
    pre: InstancePre<State>,
    engine: &'static Engine,
    settings: Settings,
    targets: Vec<Target>,
    /// Exports left out, with why: what their parameters need cannot be generated.
    skipped: Vec<(String, String)>,
}

/// One exported function.
#[derive(Clone, Debug)]
pub struct Target {
    /// `f` at the root, `ns:pkg/iface@1.0.0#f` in an interface.
    pub export: String,
    /// The function's own name, as `claw run --invoke` takes it.
    pub name: String,
    index: ComponentExportIndex,
    params: Vec<Type>,
}

/// How long to fuzz: a number of calls, or a time.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    Cases(u64),
    Time(Duration),
}

/// A distinct failure, shrunk.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The function that failed, as [`Target::export`].
    pub export: String,
    /// The smallest call found that fails this way, in WAVE: `parse-int("")`.
    pub call: String,
    pub failure: TestFailure,
}

impl Fuzzer {
    /// Compiles and links `wasm` and lists its functions (only `only`'s, if given: a function
    /// name or an export name).
    pub fn new(
        wasm: &[u8],
        host: &Host,
        config: &Config,
        sandbox: &Sandbox,
        only: Option<&str>,
    ) -> Result<Fuzzer, RunError> {
        let engine = engine(sandbox.max_stack)?;
        let component = load(engine, wasm)?;
        let pre = store::prepare(engine, &component, host)?;
        let mut targets = Vec::new();
        let mut skipped = Vec::new();
        for func in exported_types(&component, engine) {
            let export = func.qualified_name();
            let (name, index, params) = (func.name, func.index, func.params);
            if only.is_some_and(|only| only != name && only != export) {
                continue;
            }
            // A value of each parameter's type must be possible (no resources).
            match params.iter().try_for_each(property::generable) {
                Ok(()) => targets.push(Target {
                    export,
                    name,
                    index,
                    params,
                }),
                Err(what) => skipped.push((export, format!("no value of {what} can be made"))),
            }
        }
        Ok(Fuzzer {
            pre,
            engine,
            settings: Settings::shared(engine, host, config, sandbox)?,
            targets,
            skipped,
        })
    }

    /// The functions that will be called, in the component's export order.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The functions left out, with why.
    pub fn skipped(&self) -> &[(String, String)] {
        &self.skipped
    }

    /// Calls the functions in turn with generated arguments until the budget is spent,
    /// calling `report` with each distinct failure, shrunk, as it is found. Returns how many
    /// calls were made (shrinking aside).
    pub fn run(&self, seed: u64, budget: Budget, mut report: impl FnMut(&Finding)) -> u64 {
        if self.targets.is_empty() {
            return 0;
        }
        let fresh = Fresh {
            pre: &self.pre,
            engine: self.engine,
            settings: &self.settings,
        };
        let mut rng = Rng::new(seed);
        let mut seen: Vec<(String, String)> = Vec::new();
        let start = Instant::now();
        let mut case: u64 = 0;
        loop {
            let spent = match budget {
                Budget::Cases(cases) => case >= cases,
                Budget::Time(time) => start.elapsed() >= time,
            };
            if spent {
                return case;
            }
            let round = case / self.targets.len() as u64;
            let target = &self.targets[(case % self.targets.len() as u64) as usize];
            case += 1;
            // Sizes grow, then start small again, so a long run keeps trying small inputs.
            let size = 1 + (round % u64::from(property::MAX_SIZE)) as u32;
            let args: Vec<Val> = target
                .params
                .iter()
                .map(|ty| property::generate(ty, &mut rng, size))
                .collect();
            let call = |args: &[Val]| {
                fresh
                    .call(target.index, &target.export, args, &Captured::new())
                    .err()
            };
            let Some(failure) = call(&args) else {
                continue;
            };
            let key = (target.export.clone(), signature(&failure));
            if seen.contains(&key) {
                continue;
            }
            // Shrink within the same failure, so two bugs are not reported as one; and not for
            // ever, as each try may run until a limit stops it.
            let deadline = Instant::now() + MAX_SHRINK_TIME;
            let same = |args: &[Val]| {
                if Instant::now() > deadline {
                    return None;
                }
                call(args).filter(|f| signature(f) == key.1)
            };
            let (args, failure) = property::minimize(&target.params, args, failure, same);
            seen.push(key);
            let args: Vec<String> = args.iter().map(to_wave).collect();
            report(&Finding {
                export: target.export.clone(),
                call: format!("{}({})", target.name, args.join(", ")),
                failure,
            });
        }
    }
}

/// What makes two failures the same: the message and the innermost frame.
fn signature(failure: &TestFailure) -> String {
    let frame = failure.backtrace.lines().next().unwrap_or_default().trim();
    format!("{}\n{frame}", failure.message)
}
