//! Prints the random program of a seed: `cargo run -p claw-gen --example dump -- 42`.

fn main() {
    let Some(seed) = std::env::args().nth(1).and_then(|s| s.parse().ok()) else {
        eprintln!("usage: dump SEED");
        std::process::exit(2);
    };
    let generated = claw_gen::generate(seed, &claw_gen::Config::default());
    println!("{}", generated.source);
}
