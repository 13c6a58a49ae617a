//! Wraps the core module into a component with `wit-component`, the way every guest
//! toolchain does: embed the world as metadata, then let the encoder build the component.

mod names;
mod sections;
mod wrappers;

use wit_component::{ComponentEncoder, StringEncoding};

use crate::diagnostics::Diagnostic;
use crate::program::Program;
use crate::world::World;

pub fn encode(
    mut module: Vec<u8>,
    program: &Program,
    world: &World,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let internal = |err: anyhow::Error| {
        vec![Diagnostic::error(
            "internal-error",
            format!("could not build the component: {err:#}"),
        )
        .note("this is a bug in the Claw compiler")]
    };
    wit_component::embed_component_metadata(
        &mut module,
        &program.wit,
        world.id,
        StringEncoding::UTF8,
    )
    .map_err(internal)?;
    ComponentEncoder::default()
        .module(&module)
        .map_err(internal)?
        .validate(true)
        .encode()
        .map_err(internal)
}

/// `component` made smaller without changing what it imports, exports or does: exported
/// interfaces without their pass-through wrapper components, and the names that only link
/// its parts together shortened. Claw's own output always validates after it; anything
/// unexpected leaves the component as it was.
pub fn shrink(component: &[u8]) -> Vec<u8> {
    let unwrapped = wrappers::unwrap(component).unwrap_or_else(|| component.to_vec());
    let shrunk = names::shorten(&unwrapped);
    let checked = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&shrunk);
    debug_assert!(
        checked.is_ok(),
        "a shrunk component does not validate: {:?}",
        checked.as_ref().err()
    );
    if checked.is_ok() {
        shrunk
    } else {
        component.to_vec()
    }
}

/// `bytes` (a component or core module) without its custom sections, nested modules and
/// components included: names and producers only help debugging, and `-Os` leaves them out.
/// A name section naming trap helpers stays: it is how a host learns why a program trapped.
pub fn strip_custom_sections(bytes: &[u8]) -> Vec<u8> {
    let component = bytes.get(4..8) == Some(&[0x0d, 0x00, 0x01, 0x00]);
    let mut out = bytes[..8.min(bytes.len())].to_vec();
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        let (size, start) = read_leb(bytes, at + 1);
        let end = start + size;
        let payload = &bytes[start..end];
        match id {
            0 if !names_traps(payload) => {}
            // A core module or a nested component.
            1 | 4 if component => {
                let inner = strip_custom_sections(payload);
                out.push(id);
                write_leb(&mut out, inner.len());
                out.extend_from_slice(&inner);
            }
            _ => out.extend_from_slice(&bytes[at..end]),
        }
        at = end;
    }
    out
}

fn read_leb(bytes: &[u8], mut at: usize) -> (usize, usize) {
    let (mut value, mut shift) = (0usize, 0);
    loop {
        let byte = bytes[at];
        at += 1;
        value |= usize::from(byte & 0x7f) << shift;
        shift += 7;
        if byte < 0x80 {
            return (value, at);
        }
    }
}

fn write_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Whether a custom section is a name section that names a trap helper.
fn names_traps(payload: &[u8]) -> bool {
    let (len, start) = read_leb(payload, 0);
    let name = payload.get(start..start + len);
    name == Some(b"name".as_slice()) && payload.windows(10).any(|w| w == b"claw:trap:")
}
