//! Linear memory stops growing when an export is called over and over on one instance: what a
//! call allocates (its arguments, concatenations, the result list) is freed when the call ends,
//! and a global that is replaced or cleared gives its memory back for reuse.
//!
//! The component is instantiated with wasmtime directly, because the size of a component's
//! memory is visible to an embedder only through the store's `ResourceLimiter`, which sees every
//! `memory.grow`. The sizes are printed so a run can be quoted:
//! `cargo test -p claw-cli --test memory -- --nocapture`.

mod support;

use support::vals;
use wasmtime::component::{Component, Func, Linker, Val};
use wasmtime::{Engine, ResourceLimiter, Store};

const PAGE: usize = 64 * 1024;

/// Records the size every memory grows to. A Claw component has one linear memory, so the
/// largest size seen is its current size.
#[derive(Default)]
struct Watch {
    bytes: usize,
    memories: usize,
}

impl ResourceLimiter for Watch {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if current == 0 {
            self.memories += 1;
        }
        self.bytes = self.bytes.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// One instance of a Claw program, with its memory watched.
struct Guest {
    store: Store<Watch>,
    instance: wasmtime::component::Instance,
}

impl Guest {
    fn new(name: &str, src: &str, level: claw_compiler::OptLevel) -> Guest {
        let wasm = vals::compile(name, src, level).unwrap_or_else(|err| panic!("{err}"));
        let mut config = wasmtime::Config::new();
        config.wasm_component_model_map(true);
        let engine = Engine::new(&config).expect("an engine");
        let component = Component::new(&engine, &wasm).expect("wasmtime compiles the component");
        let linker = Linker::new(&engine);
        let mut store = Store::new(&engine, Watch::default());
        store.limiter(|watch| watch);
        let instance = linker
            .instantiate(&mut store, &component)
            .expect("instantiates without imports");
        Guest { store, instance }
    }

    fn func(&mut self, name: &str) -> Func {
        self.instance
            .get_func(&mut self.store, name)
            .unwrap_or_else(|| panic!("no export `{name}`"))
    }

    /// Calls `func` and returns its results; wasmtime runs the post-return itself.
    fn call(&mut self, func: Func, args: &[Val]) -> Vec<Val> {
        let count = func.ty(&self.store).results().len();
        let mut results = vec![Val::Bool(false); count];
        func.call(&mut self.store, args, &mut results)
            .expect("the call succeeds");
        results
    }

    fn pages(&self) -> usize {
        assert_eq!(
            self.store.data().memories,
            1,
            "the watch assumes one memory"
        );
        self.store.data().bytes / PAGE
    }
}

/// An export that builds ten strings by concatenation and returns them as a list.
const BUILD: &str = r#"
export func build(seed: string) -> list<string> {
    let mut out: list<string> = [];
    let mut s = seed;
    for i in 0..10 {
        s = s + "-" + seed;
        out.push("item " + s);
    }
    return out;
}
"#;

#[test]
fn returning_a_list_of_strings_does_not_grow_memory() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("build.claw", BUILD, level);
        let build = guest.func("build");
        let seed = [Val::String("ab😀".to_owned())];

        let first = guest.call(build, &seed);
        let Val::List(items) = &first[0] else {
            panic!("expected a list, got {first:?}")
        };
        assert_eq!(items.len(), 10);
        let expected_last = format!("item ab😀{}", "-ab😀".repeat(10));
        assert_eq!(items[9], Val::String(expected_last));

        for _ in 1..1_000 {
            guest.call(build, &seed);
        }
        let after_1k = guest.pages();
        for _ in 1_000..100_000 {
            guest.call(build, &seed);
        }
        let after_100k = guest.pages();
        eprintln!("build: {after_1k} pages after 1,000 calls, {after_100k} after 100,000");
        assert_eq!(after_1k, after_100k, "memory keeps growing");
        // The result is the same at the end as at the start.
        assert_eq!(guest.call(build, &seed), first);
    }
}

/// A global list of strings that one export pushes to and another clears; a global string
/// replaced on every call.
const GLOBALS: &str = r#"
let mut store: list<string> = [];
let mut last: string = "";

export func add(s: string) -> u32 {
    store.push(s + "!");
    return store.len();
}

export func clear() {
    store = [];
}

export func remember(s: string) -> string {
    last = last + s;
    if last.len() > 100 { last = s; }
    return last;
}
"#;

/// Pushes ten strings and clears the global `rounds` times.
fn fill_and_clear(guest: &mut Guest, rounds: usize) {
    let (add, clear) = (guest.func("add"), guest.func("clear"));
    let arg = [Val::String("some text".to_owned())];
    for _ in 0..rounds {
        for n in 1..=10 {
            assert_eq!(guest.call(add, &arg), [Val::U32(n)]);
        }
        guest.call(clear, &[]);
    }
}

#[test]
fn a_global_list_pushed_and_cleared_does_not_grow_memory() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("globals.claw", GLOBALS, level);
        fill_and_clear(&mut guest, 1_000);
        let after_1k = guest.pages();
        fill_and_clear(&mut guest, 9_000);
        let after_10k = guest.pages();
        eprintln!("add/clear: {after_1k} pages after 1,000 rounds, {after_10k} after 10,000");
        assert_eq!(after_1k, after_10k, "memory keeps growing");
    }
}

#[test]
fn a_global_string_replaced_on_every_call_does_not_grow_memory() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("globals.claw", GLOBALS, level);
        let remember = guest.func("remember");
        let arg = [Val::String("0123456789".to_owned())];
        let run = |guest: &mut Guest, calls: usize| {
            for _ in 0..calls {
                let [Val::String(last)] = &guest.call(remember, &arg)[..] else {
                    panic!("expected one string")
                };
                assert!(last.len() <= 100 && last.ends_with("0123456789"), "{last}");
            }
        };
        run(&mut guest, 1_000);
        let after_1k = guest.pages();
        run(&mut guest, 99_000);
        let after_100k = guest.pages();
        eprintln!("remember: {after_1k} pages after 1,000 calls, {after_100k} after 100,000");
        assert_eq!(after_1k, after_100k, "memory keeps growing");
    }
}

/// The control: a global that only grows must show up as growth, or the watch sees nothing.
#[test]
fn a_global_list_that_only_grows_is_seen_growing() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("globals.claw", GLOBALS, level);
        let add = guest.func("add");
        let arg = [Val::String("x".repeat(100))];
        guest.call(add, &arg);
        let before = guest.pages();
        for _ in 0..10_000 {
            guest.call(add, &arg);
        }
        let after = guest.pages();
        eprintln!("add only: {before} pages after 1 call, {after} after 10,001");
        assert!(
            after > before,
            "10,000 strings of 101 bytes fit in {before} pages?"
        );
    }
}

/// A global map whose keys are set, set again (the old value given back and dropped, the
/// key given again let go), removed, and cleared.
const MAP: &str = r#"
let mut table: map<string, string> = {"seed": "value"};

export func set(k: string, v: string) -> u32 {
    table.insert(k, v + "!");
    return table.len();
}

export func unset(k: string) -> bool {
    return match table.remove(k) {
        some(_) => true,
        none => false,
    };
}

export func clear() {
    table = {};
}
"#;

/// Every other round removes every key one by one instead of clearing, so the next set
/// finds the map empty with a block of its own.
fn map_rounds(guest: &mut Guest, rounds: usize) {
    let (set, unset, clear) = (guest.func("set"), guest.func("unset"), guest.func("clear"));
    let text = |s: String| Val::String(s);
    for round in 0..rounds {
        for pass in 0..2 {
            for n in 0..20 {
                let args = [text(format!("key {n}")), text(format!("value {n} {pass}"))];
                guest.call(set, &args);
            }
        }
        if round % 2 == 1 {
            guest.call(unset, &[text("seed".to_owned())]);
            for n in 0..20 {
                assert_eq!(
                    guest.call(unset, &[text(format!("key {n}"))]),
                    [Val::Bool(true)]
                );
            }
            continue;
        }
        for n in (0..20).step_by(2) {
            assert_eq!(
                guest.call(unset, &[text(format!("key {n}"))]),
                [Val::Bool(true)]
            );
        }
        guest.call(clear, &[]);
    }
}

#[test]
fn a_global_map_set_removed_and_cleared_does_not_grow_memory() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("map.claw", MAP, level);
        map_rounds(&mut guest, 200);
        let after_200 = guest.pages();
        map_rounds(&mut guest, 2_000);
        let after_2k = guest.pages();
        eprintln!(
            "map set/unset/clear: {after_200} pages after 200 rounds, {after_2k} after 2,200"
        );
        assert_eq!(after_200, after_2k, "memory keeps growing");
    }
}
