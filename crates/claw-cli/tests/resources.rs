//! Resources at run time, through wasmtime's component API: handles a Claw component
//! implements and hands out, handles of a resource the host implements, and handles inside
//! compound values crossing the boundary.
//!
//! - Linear memory stays flat while 100,000 resources are created and dropped, inside calls
//!   and by the host between calls.
//! - The host's resource table holds no handle after any call: the component drops every
//!   host handle it was given or made, on every path.
//! - Lists, options, results and records of handles go out through exports and in through
//!   imports, and arrive whole.

mod support;

use std::collections::HashMap;

use support::vals;
use wasmtime::component::{Component, Linker, Resource, ResourceTable, ResourceType, Val};
use wasmtime::{Engine, ResourceLimiter, Store};

const PAGE: usize = 64 * 1024;

/// What the host keeps: its `thing` resources (their values, by handle), and the largest
/// size the component's memory grew to.
#[derive(Default)]
struct Host {
    table: ResourceTable,
    /// Values of the host's things, for `value()`.
    values: HashMap<u32, u32>,
    made: u32,
    dropped: u32,
    bytes: usize,
}

impl ResourceLimiter for Host {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
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

/// The host's `thing`: a number.
struct Thing;

const THINGS_WIT: &str = r#"
package claw:host;

interface things {
    resource thing {
        constructor(value: u32);
        value: func() -> u32;
    }
    record labeled {
        label: string,
        item: thing,
    }
    make-pair: func(a: u32, b: u32) -> tuple<thing, thing>;
    find: func(value: u32) -> result<thing, string>;
    weigh: func(l: labeled) -> u32;
    sum: func(things: list<borrow<thing>>) -> u32;
    total: func(things: list<thing>) -> u32;
}
"#;

fn resolve() -> wit_parser::Resolve {
    let mut resolve = wit_parser::Resolve::new();
    resolve
        .push_str("things.wit", THINGS_WIT)
        .expect("the test WIT parses");
    resolve
}

struct Guest {
    store: Store<Host>,
    instance: wasmtime::component::Instance,
}

impl Guest {
    fn new(name: &str, src: &str, level: claw_compiler::OptLevel) -> Guest {
        let wasm =
            vals::compile_with(name, src, resolve(), level).unwrap_or_else(|err| panic!("{err}"));
        let engine = Engine::default();
        let component = Component::new(&engine, &wasm).expect("wasmtime compiles the component");
        let mut linker: Linker<Host> = Linker::new(&engine);
        let mut things = linker.instance("claw:host/things").expect("a new instance");
        things
            .resource("thing", ResourceType::host::<Thing>(), |mut store, rep| {
                let host = store.data_mut();
                host.dropped += 1;
                host.values.remove(&rep);
                Ok(())
            })
            .expect("defines `thing`");
        fn make(host: &mut Host, value: u32) -> wasmtime::Result<Resource<Thing>> {
            host.made += 1;
            let handle = host.table.push(Thing)?;
            host.values.insert(handle.rep(), value);
            Ok(Resource::new_own(handle.rep()))
        }
        things
            .func_wrap("[constructor]thing", |mut store, (value,): (u32,)| {
                Ok((make(store.data_mut(), value)?,))
            })
            .expect("defines the constructor");
        things
            .func_wrap(
                "[method]thing.value",
                |store, (thing,): (Resource<Thing>,)| Ok((store.data().values[&thing.rep()],)),
            )
            .expect("defines `value`");
        things
            .func_wrap("make-pair", |mut store, (a, b): (u32, u32)| {
                let host = store.data_mut();
                Ok(((make(host, a)?, make(host, b)?),))
            })
            .expect("defines `make-pair`");
        things
            .func_wrap("find", |mut store, (value,): (u32,)| {
                let found = match value {
                    0 => Err("nothing is 0".to_string()),
                    v => Ok(make(store.data_mut(), v)?),
                };
                Ok((found,))
            })
            .expect("defines `find`");
        things
            .func_new(
                "weigh",
                |mut store, _ty, args: &[Val], results: &mut [Val]| {
                    // A record whose field owns a handle, which is now the host's.
                    let Val::Record(fields) = &args[0] else {
                        panic!("expected a record, got {args:?}")
                    };
                    let [(_, Val::String(label)), (_, Val::Resource(item))] = &fields[..] else {
                        panic!("expected a label and a handle, got {fields:?}")
                    };
                    let own: Resource<Thing> = item.try_into_resource(&mut store)?;
                    let host = store.data_mut();
                    let value = host.values.remove(&own.rep()).unwrap_or(0);
                    host.dropped += 1;
                    results[0] = Val::U32(value * 100 + label.len() as u32);
                    Ok(())
                },
            )
            .expect("defines `weigh`");
        things
            .func_wrap("sum", |store, (things,): (Vec<Resource<Thing>>,)| {
                let values = &store.data().values;
                Ok((things.iter().map(|t| values[&t.rep()]).sum::<u32>(),))
            })
            .expect("defines `sum`");
        things
            .func_wrap("total", |mut store, (things,): (Vec<Resource<Thing>>,)| {
                // Owned handles given to the host are the host's to drop.
                let host = store.data_mut();
                let mut total = 0;
                for thing in things {
                    total += host.values.remove(&thing.rep()).unwrap_or(0);
                    host.dropped += 1;
                }
                Ok((total,))
            })
            .expect("defines `total`");
        let mut store = Store::new(&engine, Host::default());
        store.limiter(|host| host);
        let instance = linker
            .instantiate(&mut store, &component)
            .expect("instantiates");
        Guest { store, instance }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Vec<Val> {
        // `iface#f` names a function of an exported interface.
        let index = match name.split_once('#') {
            Some((interface, func)) => {
                let interface = self
                    .instance
                    .get_export_index(&mut self.store, None, interface)
                    .unwrap_or_else(|| panic!("no export `{interface}`"));
                self.instance
                    .get_export_index(&mut self.store, Some(&interface), func)
            }
            None => self.instance.get_export_index(&mut self.store, None, name),
        };
        let func = index
            .and_then(|index| self.instance.get_func(&mut self.store, index))
            .unwrap_or_else(|| panic!("no export `{name}`"));
        let count = func.ty(&self.store).results().len();
        let mut results = vec![Val::Bool(false); count];
        func.call(&mut self.store, args, &mut results)
            .unwrap_or_else(|err| panic!("`{name}` fails: {err:?}"));
        results
    }

    fn pages(&self) -> usize {
        self.store.data().bytes / PAGE
    }

    /// The host's things alive now.
    fn live_things(&self) -> u32 {
        let host = self.store.data();
        host.made - host.dropped
    }
}

/// A resource implemented in Claw, made and dropped in many ways.
const CARTS: &str = r#"
let mut live: u32 = 0;

export shop: interface {
    resource cart {
        name: string,
        items: list<string>,

        constructor(name: string) {
            live += 1;
            return new cart {name: name, items: [name + "!"]};
        }

        drop {
            live -= 1;
        }

        func add(item: string) {
            self.items.push(item + self.name);
        }

        func count() -> u32 {
            return self.items.len();
        }
    }

    func live-carts() -> u32 {
        return live;
    }

    func churn(n: u32) -> u32 {
        let mut kept: list<cart> = [];
        for i in 0..n {
            let c = cart("cart " + i.to-string());
            c.add("x");
            if i % 2 == 0 {
                kept.push(c);
            }
        }
        return kept.len();
    }
}
"#;

fn string(s: &str) -> Val {
    Val::String(s.to_owned())
}

#[test]
fn creating_and_dropping_100k_claw_resources_keeps_memory_flat() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("carts.claw", CARTS, level);
        assert_eq!(guest.call("shop#churn", &[Val::U32(100)]), [Val::U32(50)]);
        assert_eq!(guest.call("shop#live-carts", &[]), [Val::U32(0)]);
        for _ in 1..10 {
            guest.call("shop#churn", &[Val::U32(100)]);
        }
        let after_1k = guest.pages();
        for _ in 10..1_000 {
            guest.call("shop#churn", &[Val::U32(100)]);
        }
        let after_100k = guest.pages();
        eprintln!("churn: {after_1k} pages after 1,000 resources, {after_100k} after 100,000");
        assert_eq!(after_1k, after_100k, "memory keeps growing");
        assert_eq!(guest.call("shop#live-carts", &[]), [Val::U32(0)]);
    }
}

#[test]
fn handles_the_host_drops_between_calls_free_their_resources() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("carts.claw", CARTS, level);
        let round = |guest: &mut Guest| {
            let [Val::Resource(cart)] = guest.call("shop#[constructor]cart", &[string("c")])[..]
            else {
                panic!("expected a handle")
            };
            let args = [Val::Resource(cart), string("y")];
            guest.call("shop#[method]cart.add", &args);
            assert_eq!(
                guest.call("shop#[method]cart.count", &[Val::Resource(cart)]),
                [Val::U32(2)]
            );
            cart.resource_drop(&mut guest.store)
                .expect("the host drops it");
        };
        for _ in 0..1_000 {
            round(&mut guest);
        }
        assert_eq!(guest.call("shop#live-carts", &[]), [Val::U32(0)]);
        let after_1k = guest.pages();
        for _ in 1_000..100_000 {
            round(&mut guest);
        }
        let after_100k = guest.pages();
        eprintln!("host drops: {after_1k} pages after 1,000 resources, {after_100k} after 100,000");
        assert_eq!(after_1k, after_100k, "memory keeps growing");
        assert_eq!(guest.call("shop#live-carts", &[]), [Val::U32(0)]);
    }
}

/// A component using the host's things on every path out of a function.
const THINGS: &str = r#"
import { thing, labeled, make-pair, find, weigh, sum, total } from claw:host/things;

func first-over(limit: u32, values: list<u32>) -> option<u32> {
    for v in values {
        let t = thing(v);
        if t.value() > limit {
            return some(t.value());
        }
    }
    return none;
}

func checked(v: u32) -> result<u32, string> {
    let t = thing(v);
    check!(t.value() < 10)?;
    return ok(t.value());
}

export func paths(n: u32) -> u32 {
    let mut all: u32 = 0;
    for i in 0..n {
        let t = thing(i);
        if i == 3 {
            continue;
        }
        all += t.value();
        if i == 7 {
            break;
        }
    }
    match first-over(2, [1, 2, 3, 4]) {
        some(v) => {
            all += v;
        },
        none => {},
    }
    match checked(n) {
        ok(v) => {
            all += v;
        },
        err(e) => {
            all += 1000;
        },
    }
    let borrowed = both(make-pair(1, 2));
    all += sum(borrowed);
    all += total(both(make-pair(5, 6)));
    return all;
}

func both(p: tuple<thing, thing>) -> list<thing> {
    match p {
        (x, y) => {
            return [x, y];
        },
    }
}

export func keep-some(n: u32) -> list<thing> {
    let mut out: list<thing> = [];
    for i in 0..n {
        out.push(thing(i));
    }
    return out;
}

export func peek(t: borrow<thing>) -> u32 {
    return t.value() + sum([t]);
}

export func found(value: u32) -> result<thing, string> {
    return find(value);
}

export func weighed(value: u32) -> u32 {
    match find(value) {
        ok(t) => {
            let l: labeled = {label: "ab", item: t};
            return weigh(l);
        },
        err(e) => {
            return 0;
        },
    }
}

export func wrapped(value: u32) -> result<labeled, string> {
    let t = find(value)?;
    return ok({label: "w", item: t});
}

export func maybe(give: bool) -> option<thing> {
    if give {
        return some(thing(42));
    }
    return none;
}
"#;

#[test]
fn the_host_resource_table_is_empty_after_every_call() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("things.claw", THINGS, level);
        for n in [0, 1, 4, 9, 12] {
            let [Val::U32(total)] = guest.call("paths", &[Val::U32(n)])[..] else {
                panic!("expected a u32")
            };
            // Loop: values below n except 3, stopping after 7; 3 from `first-over`;
            // `checked(n)`; 1 + 2 borrowed; 5 + 6 given away.
            let looped: u32 = (0..n.min(8)).filter(|&i| i != 3).sum();
            let checked = if n < 10 { n } else { 1000 };
            assert_eq!(
                total,
                looped + 3 + checked + 3 + 11,
                "paths({n}) at {level:?}"
            );
            assert_eq!(
                guest.live_things(),
                0,
                "paths({n}) leaves things at {level:?}"
            );
        }
    }
}

#[test]
fn an_export_lent_a_host_handle_gives_it_back() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("things.claw", THINGS, level);
        let handle = guest.store.data_mut().table.push(Thing).expect("room");
        guest.store.data_mut().values.insert(handle.rep(), 21);
        let own: Resource<Thing> = Resource::new_own(handle.rep());
        let any = own
            .try_into_resource_any(&mut guest.store)
            .expect("a host resource");
        // wasmtime fails the call if the borrow is still in the guest's table when it returns.
        for _ in 0..3 {
            assert_eq!(guest.call("peek", &[Val::Resource(any)]), [Val::U32(42)]);
        }
        any.resource_drop(&mut guest.store)
            .expect("the host drops it");
    }
}

#[test]
fn handles_inside_lists_and_options_go_out_whole() {
    for level in vals::LEVELS {
        let mut guest = Guest::new("things.claw", THINGS, level);
        let [Val::List(things)] = &guest.call("keep-some", &[Val::U32(3)])[..] else {
            panic!("expected a list")
        };
        assert_eq!(things.len(), 3);
        assert_eq!(
            guest.live_things(),
            3,
            "the host holds the three it was given"
        );
        for thing in things {
            let Val::Resource(handle) = thing else {
                panic!("expected handles, got {thing:?}")
            };
            let own: Resource<Thing> = handle
                .try_into_resource(&mut guest.store)
                .expect("a host thing");
            let host = guest.store.data_mut();
            assert!(host.values.remove(&own.rep()).is_some());
            host.dropped += 1;
        }
        let [Val::Option(Some(thing))] = &guest.call("maybe", &[Val::Bool(true)])[..] else {
            panic!("expected some handle")
        };
        let Val::Resource(handle) = **thing else {
            panic!("expected a handle")
        };
        let own: Resource<Thing> = handle
            .try_into_resource(&mut guest.store)
            .expect("a host thing");
        assert_eq!(guest.store.data().values[&own.rep()], 42);
        assert_eq!(
            guest.call("maybe", &[Val::Bool(false)]),
            [Val::Option(None)]
        );
        let own = |guest: &mut Guest, val: &Val| -> Resource<Thing> {
            let Val::Resource(handle) = val else {
                panic!("expected a handle, got {val:?}")
            };
            handle
                .try_into_resource(&mut guest.store)
                .expect("a host thing")
        };
        // A result of a handle, from an import and out through an export.
        let [Val::Result(Ok(Some(thing)))] = &guest.call("found", &[Val::U32(7)])[..] else {
            panic!("expected ok")
        };
        let thing = own(&mut guest, thing);
        assert_eq!(guest.store.data().values[&thing.rep()], 7);
        assert_eq!(
            guest.call("found", &[Val::U32(0)]),
            [Val::Result(Err(Some(Box::new(Val::String(
                "nothing is 0".into()
            )))))]
        );
        // A record holding a handle, into an import and out through an export.
        let live = guest.live_things();
        assert_eq!(guest.call("weighed", &[Val::U32(3)]), [Val::U32(302)]);
        assert_eq!(
            guest.live_things(),
            live,
            "`weigh` was given the handle and dropped it"
        );
        let [Val::Result(Ok(Some(record)))] = &guest.call("wrapped", &[Val::U32(9)])[..] else {
            panic!("expected ok")
        };
        let Val::Record(fields) = &**record else {
            panic!("expected a record, got {record:?}")
        };
        assert_eq!(fields[0], ("label".to_string(), Val::String("w".into())));
        let item = own(&mut guest, &fields[1].1);
        assert_eq!(guest.store.data().values[&item.rep()], 9);
    }
}
