//! Reading and writing a module's or component's sections as bytes, for the passes that
//! rewrite a few sections of an encoded component and copy the rest.

use wasmparser::{BinaryReader, FromReader, SectionLimited};

/// The sections of a module or component after its 8-byte header, as (id, payload).
pub fn sections(bytes: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut reader = BinaryReader::new(bytes.get(8..)?, 8);
    let mut out = Vec::new();
    while !reader.eof() {
        let id = reader.read_u8().ok()?;
        let len = reader.read_var_u32().ok()? as usize;
        out.push((id, reader.read_bytes(len).ok()?));
    }
    Some(out)
}

pub fn reader<'a, T: FromReader<'a>>(payload: &'a [u8]) -> Option<SectionLimited<'a, T>> {
    SectionLimited::new(BinaryReader::new(payload, 0)).ok()
}

pub fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
    use wasm_encoder::Encode;
    out.push(id);
    body.len().encode(out);
    out.extend_from_slice(body);
}

/// A section's payload, without the id and size `Encode` puts in front.
pub fn encoded(section: &impl wasm_encoder::Encode) -> Vec<u8> {
    let mut bytes = Vec::new();
    section.encode(&mut bytes);
    let mut reader = BinaryReader::new(&bytes, 0);
    reader.read_var_u32().expect("size");
    bytes[reader.current_position()..].to_vec()
}

/// A name without the options (`implements`, a version suffix) that re-encoding would lose.
pub fn plain<'a>(name: &wasmparser::ComponentExternName<'a>) -> Option<&'a str> {
    let bare =
        name.implements.is_none() && name.version_suffix.is_none() && name.external_id.is_none();
    bare.then_some(name.name)
}
