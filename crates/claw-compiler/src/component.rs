//! Wraps the core module into a component with `wit-component`, the way every guest
//! toolchain does: embed the world as metadata, then let the encoder build the component.

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
