//! `claw-web-pack CORE.wasm OUT.wasm`: wraps the core module `build.sh` built into the compiler
//! component, as `wasm-tools component new` would, with the `wit-component` of the rest of the
//! build. The module carries its world in the custom section `wit-bindgen` embedded.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [core, out] = &args[..] else {
        eprintln!("usage: claw-web-pack CORE.wasm OUT.wasm");
        return ExitCode::from(2);
    };
    match pack(core, out) {
        Ok(size) => {
            println!("wrote {out} ({size} bytes)");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn pack(core: &str, out: &str) -> anyhow::Result<usize> {
    let module = std::fs::read(core)?;
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)?
        .encode()?;
    std::fs::write(out, &component)?;
    Ok(component.len())
}
