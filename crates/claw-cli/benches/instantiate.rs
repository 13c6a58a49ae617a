//! `cargo bench -p claw-cli --bench instantiate`: for a few typical programs, the component's
//! size, how long compiling it takes, and how long a fresh instance plus one call takes (what
//! `claw test` pays per test, and what a host pays per request for a filter or a UDF).
//!
//! Prints a table; it asserts nothing, so timing noise cannot fail a build.

use std::time::{Duration, Instant};

use claw_compiler::{Resolve, Source};
use claw_runtime::{Config, Host, Sandbox, TestSuite};
use claw_syntax::FileId;

const PROGRAMS: &[(&str, &str)] = &[
    (
        "scalar identity",
        "export func test-identity() -> u64 { return 42; }",
    ),
    (
        "string concat",
        r#"export func test-greet() -> string { return "hello, " + "world"; }"#,
    ),
    (
        "list sort (64 items)",
        r#"
        export func test-sort() -> result<_, string> {
            let mut v: list<u32> = [];
            for i in 0..64 { v.push((i * 7919) % 64); }
            let n = v.len();
            for i in 0..n {
                for j in 0..n - 1 - i {
                    if v[j] > v[j + 1] { let t = v[j]; v[j] = v[j + 1]; v[j + 1] = t; }
                }
            }
            check!(v[0] == 0)?;
            return ok;
        }"#,
    ),
    (
        "records and match",
        r#"
        record point { x: f64, y: f64 }
        variant shape { circle(f64), rect(point), empty }
        export func test-area() -> f64 {
            let shapes = [circle(1.0), rect({x: 2.0, y: 3.0}), empty];
            let mut total = 0.0;
            for s in shapes {
                total += match s { circle(r) => 3.14 * r * r, rect(p) => p.x * p.y, empty => 0.0 };
            }
            return total;
        }"#,
    ),
];

fn main() {
    let runs = 2000;
    println!(
        "{:<22} {:>10} {:>14} {:>22}",
        "program", "size (B)", "compile (µs)", "instance + call (µs)"
    );
    for (name, text) in PROGRAMS {
        let compile = || {
            claw_compiler::compile(
                Source {
                    file: FileId(0),
                    name: "bench.claw",
                    text,
                },
                Resolve::new(),
            )
            .unwrap_or_else(|_| panic!("`{name}` compiles"))
        };
        let start = Instant::now();
        for _ in 0..50 {
            compile();
        }
        let compile_time = start.elapsed() / 50;
        let component = compile().component;

        let suite = TestSuite::new(
            &component,
            &Host::new(),
            &Config::default(),
            &Sandbox::default(),
        )
        .expect("the component loads");
        let test = &suite.tests()[0];
        // Warm up, then take the mean.
        for _ in 0..100 {
            suite.run(test);
        }
        let mut total = Duration::ZERO;
        for _ in 0..runs {
            let result = suite.run(test);
            assert!(result.failure.is_none(), "{name}: {:?}", result.failure);
            total += result.duration;
        }
        println!(
            "{:<22} {:>10} {:>14.1} {:>22.1}",
            name,
            component.len(),
            compile_time.as_secs_f64() * 1e6,
            (total / runs).as_secs_f64() * 1e6
        );
    }
}
