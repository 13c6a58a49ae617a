//! TEMPORARY: runs calls on a file in the interpreter.
use claw_compiler::interp::{CallError, NoImports};
fn main() {
    let mut a = std::env::args().skip(1);
    let path = a.next().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let src = claw_compiler::Source {
        file: claw_syntax::FileId(0),
        name: "x.claw",
        text: &text,
    };
    let mut inst =
        match claw_compiler::interpret(src, claw_compiler::Resolve::default(), Box::new(NoImports))
        {
            Ok(i) => i,
            Err(d) => {
                for d in d {
                    eprintln!("[{}] {}", d.code, d.message);
                }
                std::process::exit(1)
            }
        };
    for call in a {
        match inst.call(&call) {
            Ok(v) => println!("{call} = {v:?}"),
            Err(CallError::Trap(t)) => println!("{call} trap {}", t.message),
            Err(CallError::Invoke(e)) => println!("{call} invoke error {e}"),
        }
    }
}
