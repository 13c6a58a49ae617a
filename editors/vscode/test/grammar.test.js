// The TextMate grammar against the repository's Claw files: every line of every file
// tokenizes and ends outside any string or comment (Claw has no construct that spans lines),
// nothing outside `tests/errors` is marked invalid, and the scopes of a few lines match the
// snapshot in `scopes.snap` (UPDATE_SNAPSHOTS=1 rewrites it; read the diff first).

const { test } = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..", "..", "..");
const grammarPath = path.join(__dirname, "..", "syntaxes", "claw.tmLanguage.json");

async function grammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.claw"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  return registry.loadGrammar("source.claw");
}

function clawFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && entry.name !== "node_modules" && entry.name !== "target") {
        clawFiles(full, out);
      }
    } else if (entry.name.endsWith(".claw")) {
      out.push(full);
    }
  }
  return out;
}

test("every Claw file in the repository tokenizes line by line", async () => {
  const claw = await grammar();
  const files = clawFiles(root);
  assert.ok(files.length > 50, `found only ${files.length} files`);
  // The state between lines at the top level, outside every construct.
  const top = claw.tokenizeLine("", vsctm.INITIAL).ruleStack;
  for (const file of files) {
    const rel = path.relative(root, file);
    let state = vsctm.INITIAL;
    fs.readFileSync(file, "utf8").split("\n").forEach((line, index) => {
      const result = claw.tokenizeLine(line, state);
      const where = `${rel}:${index + 1}`;
      if (!rel.startsWith(path.join("tests", "errors"))) {
        for (const token of result.tokens) {
          const scopes = token.scopes.join(" ");
          assert.ok(!scopes.includes("invalid"), `${where}: ${scopes}`);
        }
      }
      // Strings, characters and comments end on their line.
      assert.ok(result.ruleStack.equals(top), `${where}: a construct stays open`);
      state = result.ruleStack;
    });
  }
});

test("the scopes of a few lines match the snapshot", async () => {
  const claw = await grammar();
  const lines = [
    'import { add, greet, summarize, parse-int } from docs:calc/ops@0.1.0;',
    "export tests: interface {",
    "record point { x: f64, y: f64 }",
    "let mut count: u32 = 0; // a global",
    "export func far(p: point, limit: f64) -> result<_, string> {",
    '    let s = "tab\\there \\u{1F600}" + \'\\n\'.to-string();',
    "    for i in 0..=0xff_ff { total += xs[i as u32] * 2.5e-3; }",
    "    check!(max-nanos - 1 >= x-1 && !done)?;",
    "    return match o { some((true, n)) => n, none => -1 };",
    "    resource shelf {",
    "        books: list<book>,",
    "        constructor(name: string) {",
    "        drop { drop(self.books); }",
    "        static func merge(a: shelf, b: own<shelf>) -> shelf {",
    "            return new shelf {name: self.name, books: []};",
    "    let new = shelf::merge(a, b).compare(s as borrow<shelf>);",
  ];
  let out = "";
  for (const line of lines) {
    out += `${line}\n`;
    const { tokens } = claw.tokenizeLine(line, vsctm.INITIAL);
    for (const token of tokens) {
      const text = line.slice(token.startIndex, token.endIndex);
      if (text.trim() === "") continue;
      out += `  ${JSON.stringify(text)} ${token.scopes.slice(1).join(" ")}\n`;
    }
  }
  const snapshot = path.join(__dirname, "scopes.snap");
  if (process.env.UPDATE_SNAPSHOTS) {
    fs.writeFileSync(snapshot, out);
  }
  assert.strictEqual(out, fs.readFileSync(snapshot, "utf8"));
});
