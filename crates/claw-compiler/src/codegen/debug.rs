//! DWARF for the emitted module: a line table mapping each statement's code to its line and
//! column, and one subprogram per function, so a host's backtrace can say
//! `at tests.claw:12:5`. Addresses are byte offsets from the start of the code section's
//! contents, as DWARF for WebAssembly defines them.

use gimli::write::{
    Address, AttributeValue, DwarfUnit, EndianVec, LineProgram, LineString, Sections,
};
use gimli::{Encoding, Format, LineEncoding, LittleEndian};

use claw_syntax::LineIndex;

/// One function's code: where its body starts in the code section, how long it is, and the
/// body offsets where each statement (by source offset) begins.
pub struct FuncLines {
    pub name: String,
    pub start: u32,
    pub len: u32,
    pub lines: Vec<(u32, u32)>,
}

/// The `.debug_*` custom sections, by name.
pub fn sections(file: &str, text: &str, funcs: &[FuncLines]) -> Vec<(String, Vec<u8>)> {
    let encoding = Encoding {
        format: Format::Dwarf32,
        version: 4,
        address_size: 4,
    };
    let index = LineIndex::new(text);
    let mut dwarf = DwarfUnit::new(encoding);
    let mut program = LineProgram::new(
        encoding,
        LineEncoding::default(),
        // No directory: backtraces then show the file as `check!` messages name it.
        LineString::String(Vec::new()),
        None,
        LineString::String(file.as_bytes().to_vec()),
        None,
    );
    let dir = program.default_directory();
    let file_id = program.add_file(LineString::String(file.as_bytes().to_vec()), dir, None);
    for func in funcs.iter().filter(|f| !f.lines.is_empty()) {
        program.begin_sequence(Some(Address::Constant(func.start.into())));
        for &(offset, source) in &func.lines {
            let (line, column) = index.line_col(text, source as usize);
            let row = program.row();
            row.address_offset = offset.into();
            row.file = file_id;
            row.line = line as u64;
            row.column = column as u64;
            row.is_statement = true;
            program.generate_row();
        }
        program.end_sequence(func.len.into());
    }
    dwarf.unit.line_program = program;

    let root = dwarf.unit.root();
    let unit = dwarf.unit.get_mut(root);
    unit.set(
        gimli::DW_AT_producer,
        AttributeValue::String(b"claw".to_vec()),
    );
    unit.set(
        gimli::DW_AT_name,
        AttributeValue::String(file.as_bytes().to_vec()),
    );
    unit.set(
        gimli::DW_AT_low_pc,
        AttributeValue::Address(Address::Constant(0)),
    );
    let end = funcs.iter().map(|f| f.start + f.len).max().unwrap_or(0);
    unit.set(gimli::DW_AT_high_pc, AttributeValue::Udata(end.into()));
    for func in funcs {
        let id = dwarf.unit.add(root, gimli::DW_TAG_subprogram);
        let entry = dwarf.unit.get_mut(id);
        entry.set(
            gimli::DW_AT_name,
            AttributeValue::String(func.name.as_bytes().to_vec()),
        );
        entry.set(
            gimli::DW_AT_low_pc,
            AttributeValue::Address(Address::Constant(func.start.into())),
        );
        entry.set(gimli::DW_AT_high_pc, AttributeValue::Udata(func.len.into()));
    }

    let mut sections = Sections::new(EndianVec::new(LittleEndian));
    if dwarf.write(&mut sections).is_err() {
        // The table is a convenience for backtraces; a module without it still runs.
        return Vec::new();
    }
    let mut out = Vec::new();
    let _ = sections.for_each(|id, data| -> Result<(), ()> {
        if !data.slice().is_empty() {
            out.push((id.name().to_string(), data.slice().to_vec()));
        }
        Ok(())
    });
    out
}
