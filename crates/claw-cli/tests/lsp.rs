//! `claw lsp` as an editor sees it: a session that opens a file, edits it and asks for each
//! feature, with every message the server sends compared to `tests/lsp/session.json`
//! (`BLESS=1` rewrites it; read the diff first).

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{json, Value};

const URI: &str = "file:///claw-lsp-test/shapes.claw";

/// The file as first opened: `limt` is a typo.
const BROKEN: &str = "record point { x: f64, y: f64 }

let mut count: u32 = 0;

// The distance from the origin, squared.
func norm(p: point) -> f64 {
    return p.x * p.x + p.y * p.y;
}

export func far(p: point, limit: f64) -> bool {
    let n=norm(p);
    count += 1;
    return n > limt;
}
";

struct Client {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Every message the server sent, in order.
    log: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).unwrap();
            assert!(!line.is_empty(), "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = Some(n.parse::<usize>().unwrap());
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        self.stdout.read_exact(&mut body).unwrap();
        let message: Value = serde_json::from_slice(&body).unwrap();
        self.log.push(message.clone());
        message
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response, keeping what comes before it.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
        }
    }

    /// Waits for the diagnostics of the last change.
    fn diagnostics(&mut self) -> Value {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics" {
                return message["params"]["diagnostics"].clone();
            }
        }
    }
}

/// Where `needle` starts in `text` (its `nth` occurrence), plus `shift` characters, as a
/// protocol position.
fn position(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).expect("the needle").0 + shift;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column})
}

/// The repository's root as an absolute path.
fn root_text() -> String {
    support::root()
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

/// The labels of a list of completion items.
fn labels(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .expect("a list of completions")
        .iter()
        .map(|item| item["label"].as_str().expect("a label"))
        .collect()
}

fn at(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    json!({"textDocument": {"uri": URI}, "position": position(text, needle, nth, shift)})
}

#[test]
fn a_session_with_every_feature() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claw"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("claw lsp starts");
    let mut client = Client {
        stdin: child.stdin.take().unwrap(),
        stdout: BufReader::new(child.stdout.take().unwrap()),
        log: Vec::new(),
        next_id: 0,
    };
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert!(
        init["result"]["capabilities"]["hoverProvider"] == json!(true),
        "{init}"
    );
    client.notify("initialized", json!({}));

    // Diagnostics on open, with the code and message `claw check` prints.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "claw", "version": 1, "text": BROKEN}}),
    );
    let diagnostics = client.diagnostics();
    assert_eq!(diagnostics[0]["code"], "unbound-name", "{diagnostics}");

    // Fixed on the next change: no diagnostics.
    let text = BROKEN.replace("limt", "limit");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(client.diagnostics(), json!([]));

    // Hover: a local's type, a call's signature, a field's type.
    let hover = client.request("textDocument/hover", at(&text, "n > limit", 0, 0));
    assert_eq!(
        hover["result"]["contents"]["value"],
        "```claw\nlet n: f64\n```"
    );
    let hover = client.request("textDocument/hover", at(&text, "norm(p)", 0, 1));
    assert_eq!(
        hover["result"]["contents"]["value"],
        "```claw\nfunc norm(p: point) -> f64\n```"
    );
    let hover = client.request("textDocument/hover", at(&text, "p.y", 0, 2));
    assert_eq!(hover["result"]["contents"]["value"], "```claw\ny: f64\n```");

    // Go to definition: the function's name.
    let definition = client.request("textDocument/definition", at(&text, "norm(p)", 0, 0));
    assert_eq!(
        definition["result"]["range"]["start"],
        position(&text, "norm", 0, 0)
    );

    // Go to definition: a field, and a type in a signature.
    let definition = client.request("textDocument/definition", at(&text, "p.y", 0, 2));
    assert_eq!(
        definition["result"]["range"]["start"],
        position(&text, "y: f64", 0, 0)
    );
    let definition = client.request("textDocument/definition", at(&text, "point, limit", 0, 0));
    assert_eq!(
        definition["result"]["range"]["start"],
        position(&text, "point", 0, 0)
    );

    // Completion: fields after `.`; names in scope elsewhere.
    let completion = client.request("textDocument/completion", at(&text, "p.x", 0, 2));
    assert_eq!(labels(&completion["result"]), ["x", "y"]);
    let completion = client.request("textDocument/completion", at(&text, "count += 1", 0, 0));
    let names = labels(&completion["result"]);
    assert!(
        names.starts_with(&["p", "limit", "n", "count", "norm", "far"]),
        "{names:?}"
    );

    // Inside a `match`, the cases of the matched value's type come first.
    let cases = "export func name(o: option<u32>) -> u32 {\n    return match o {\n        some(v) => v,\n        none => 0,\n    };\n}\n";
    let with_match = format!("{text}\n{cases}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": with_match}]}),
    );
    assert_eq!(client.diagnostics(), json!([]));
    let completion = client.request(
        "textDocument/completion",
        at(&with_match, "none => 0", 0, 0),
    );
    assert_eq!(labels(&completion["result"])[..2], ["none", "some"]);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(client.diagnostics(), json!([]));

    // References and rename of a local; references of a global.
    let references = |needle: &str, nth: usize| {
        let mut params = at(&text, needle, nth, 0);
        params["context"] = json!({"includeDeclaration": true});
        params
    };
    let found = client.request("textDocument/references", references("n > limit", 0));
    assert_eq!(found["result"].as_array().map(Vec::len), Some(2), "{found}");
    let found = client.request("textDocument/references", references("count", 1));
    assert_eq!(found["result"].as_array().map(Vec::len), Some(2), "{found}");
    let mut params = at(&text, "n > limit", 0, 0);
    params["newName"] = json!("squared");
    let rename = client.request("textDocument/rename", params);
    assert_eq!(
        rename["result"]["changes"][URI].as_array().map(Vec::len),
        Some(2),
        "{rename}"
    );

    // The outline, and formatting through `claw fmt`.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["point", "count", "norm", "far"]);
    let formatting = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(
        formatting["result"][0]["newText"],
        text.replace("let n=norm(p);", "let n = norm(p);")
    );

    // Half-typed code: answers, no crash.
    let half = text.replace("return n > limit;", "return n > ");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 5}, "contentChanges": [{"text": half}]}),
    );
    assert_eq!(client.diagnostics()[0]["code"], "unexpected-token");
    let hover = client.request("textDocument/hover", at(&half, "n=norm", 0, 0));
    assert_eq!(
        hover["result"]["contents"]["value"],
        "```claw\nlet n: f64\n```"
    );

    // A file importing from WIT: hover shows the WIT signature and doc comment.
    let path = support::root().join("examples/calc/calc.test.claw");
    let path = path.canonicalize().unwrap();
    let calc_uri = format!("file://{}", path.display());
    let calc = std::fs::read_to_string(&path).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": calc_uri, "languageId": "claw", "version": 1, "text": calc}}),
    );
    assert_eq!(client.diagnostics(), json!([]));
    let mut params = at(&calc, "add(2, 3)", 0, 0);
    params["textDocument"]["uri"] = json!(calc_uri);
    let hover = client.request("textDocument/hover", params);
    assert_eq!(
        hover["result"]["contents"]["value"],
        "```claw\nfunc add(a: s32, b: s32) -> s32\n```\n\nimported from `docs:calc/ops@0.1.0`\n\n\
         `a + b`, wrapping around on overflow as `s32` arithmetic does."
    );

    // Go to definition of an imported function: its declaration in the WIT file.
    let mut params = at(&calc, "add(2, 3)", 0, 0);
    params["textDocument"]["uri"] = json!(calc_uri);
    let definition = client.request("textDocument/definition", params);
    let wit_uri = format!(
        "file://{}",
        support::root()
            .join("examples/calc/wit/calc.wit")
            .canonicalize()
            .unwrap()
            .display()
    );
    assert_eq!(definition["result"]["uri"], json!(wit_uri), "{definition}");
    let wit = std::fs::read_to_string(support::root().join("examples/calc/wit/calc.wit")).unwrap();
    assert_eq!(
        definition["result"]["range"]["start"]["line"],
        json!(wit[..wit.find("add: func").unwrap()].matches('\n').count())
    );

    // Go to definition of a type imported from WIT: its declaration in the `.wit` file.
    let typed_uri = format!("file://{}/tests/programs/imported-type.claw", root_text());
    let typed = "import { level } from claw:test/logging;\n\nexport func loud(l: level) -> bool {\n    return true;\n}\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": typed_uri, "languageId": "claw", "version": 1, "text": typed}}),
    );
    assert_eq!(client.diagnostics(), json!([]));
    let mut params = at(typed, "level) ->", 0, 0);
    params["textDocument"]["uri"] = json!(typed_uri);
    let definition = client.request("textDocument/definition", params);
    let uri = definition["result"]["uri"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(uri.ends_with("/logging.wit"), "{definition}");

    // Resources: a method's hover has its WIT signature and doc comment, and completion
    // after a handle lists its resource's methods.
    let shelf_path = support::root().join("examples/shelf/shelf.test.claw");
    let shelf_uri = format!("file://{}", shelf_path.canonicalize().unwrap().display());
    let shelf = std::fs::read_to_string(&shelf_path).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": shelf_uri, "languageId": "claw", "version": 1, "text": shelf}}),
    );
    assert_eq!(client.diagnostics(), json!([]));
    let mut params = at(&shelf, "s.name()", 0, 2);
    params["textDocument"]["uri"] = json!(shelf_uri);
    let hover = client.request("textDocument/hover", params);
    assert_eq!(
        hover["result"]["contents"]["value"],
        "```claw\nfunc shelf.name(self: borrow<shelf>) -> string\n```\n\n\
         imported from `docs:shelf/books@0.1.0`\n\n\
         The name given at construction (or by `merge`)."
    );
    let mut params = at(&shelf, "s.name()", 0, 2);
    params["textDocument"]["uri"] = json!(shelf_uri);
    let completion = client.request("textDocument/completion", params);
    let methods = labels(&completion["result"]);
    for method in ["add", "compare", "count", "name", "take", "titles-before"] {
        assert!(methods.contains(&method), "{method} not in {methods:?}");
    }

    // The `http` library: hover over a call shows its signature, and completion after
    // `http::` lists its functions; nothing points into its code.
    let echo_path = support::root().join("examples/http/echo.claw");
    let echo_uri = format!("file://{}", echo_path.canonicalize().unwrap().display());
    let echo = std::fs::read_to_string(&echo_path).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": echo_uri, "languageId": "claw", "version": 1, "text": echo}}),
    );
    assert_eq!(client.diagnostics(), json!([]));
    let mut params = at(&echo, "http::method", 0, 7);
    params["textDocument"]["uri"] = json!(echo_uri);
    let hover = client.request("textDocument/hover", params.clone());
    assert_eq!(
        hover["result"]["contents"]["value"],
        "```claw\nfunc http::method(request: borrow<incoming-request>) -> string\n```"
    );
    let definition = client.request("textDocument/definition", params);
    assert_eq!(definition["result"], Value::Null);
    let mut params = at(&echo, "http::method", 0, 6);
    params["textDocument"]["uri"] = json!(echo_uri);
    let completion = client.request("textDocument/completion", params);
    let functions = labels(&completion["result"]);
    for function in [
        "body", "get", "header", "method", "path", "query", "respond",
    ] {
        assert!(
            functions.contains(&function),
            "{function} not in {functions:?}"
        );
    }

    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    client.notify("exit", Value::Null);
    assert!(child.wait().unwrap().success());

    // The repository's place on this machine is not part of the snapshot.
    let root = path.parent().unwrap().parent().unwrap().parent().unwrap();
    let log = serde_json::to_string_pretty(&client.log).unwrap() + "\n";
    let log = log.replace(&root.display().to_string(), "$ROOT");
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let golden = support::root().join("tests/lsp/session.json");
    if let Err(why) = support::golden_file(&golden, &log, bless, "the session") {
        panic!("{why}");
    }
}

/// Every question at every place of every program in the repository, and of each with a
/// piece cut out (half-typed code), gets an answer or none, never a panic.
#[test]
fn queries_never_panic_anywhere() {
    let mut files = Vec::new();
    for dir in [
        "examples",
        "examples/calc",
        "tests/programs",
        "tests/errors",
        "tests/test-files",
    ] {
        files.extend(support::claw_files(dir));
    }
    let mut asked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let cut = text.len() / 2;
        let cut = (cut..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let half = format!(
            "{}{}",
            &text[..cut],
            &text[(cut + 7).min(text.len())..].trim_start_matches(|c: char| !c.is_ascii())
        );
        for text in [text, half] {
            let source = claw_compiler::Source {
                file: claw_syntax::FileId(0),
                name: "program.claw",
                text: &text,
            };
            let analysis =
                claw_compiler::query::analysis(source, support::load_wit("tests/programs/wit"));
            let _ = analysis.symbols();
            for offset in (0..=text.len())
                .step_by(5)
                .filter(|&i| text.is_char_boundary(i))
            {
                let _ = analysis.hover(offset);
                let _ = analysis.definition(offset);
                let _ = analysis.references(offset);
                let _ = analysis.completions(&text, offset);
                asked += 1;
            }
        }
    }
    assert!(asked > 10_000, "only {asked} places asked");
}
