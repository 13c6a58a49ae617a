// The compiler component as jco transpiled it (dist/compiler/), called from Node: for every
// example it makes the same bytes as the native `claw build`, at -O2, -O0 and -Os --strip.
// The native binary is ../target/debug/claw (`CLAW=…` to choose another), built if missing.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { claw, repo } from './support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const compilerJs = path.resolve(here, '../dist/compiler/compiler.js');

function walk(dir, keep) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, keep);
    return keep(full) ? [full] : [];
  }).sort();
}

/** The `wit/` folder beside `file`, as `wit-file` records. */
function witFiles(file) {
  const dir = path.join(path.dirname(file), 'wit');
  if (!existsSync(dir)) return [];
  return walk(dir, (f) => f.endsWith('.wit'))
    .map((f) => ({ path: path.relative(dir, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }));
}

it('makes the bytes claw build makes, for every example', async () => {
  assert.ok(existsSync(compilerJs), `${compilerJs} is missing: run \`npm run build\` first`);
  const { api } = await import(pathToFileURL(compilerJs));
  const binary = claw();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'claw-node-'));
  const out = path.join(scratch, 'native.wasm');
  const examples = walk(path.join(repo, 'examples'), (f) => f.endsWith('.claw'));
  assert.ok(examples.length >= 20, `found ${examples.length} examples`);
  const levels = [
    { optLevel: 'o2', debugInfo: true, flags: [] },
    { optLevel: 'o0', debugInfo: true, flags: ['-O0'] },
    { optLevel: 'os', debugInfo: false, flags: ['-Os', '--strip'] },
  ];
  try {
    for (const file of examples) {
      const name = path.relative(repo, file);
      const source = readFileSync(file, 'utf8');
      const wit = witFiles(file);
      for (const { optLevel, debugInfo, flags } of levels) {
        const native = spawnSync(binary, ['build', name, '-o', out, ...flags], { cwd: repo });
        assert.equal(native.status, 0, `claw build ${name} ${flags}: ${native.stderr}`);
        let compiled;
        try {
          compiled = api.compile(name, source, wit, { optLevel, debugInfo });
        } catch (e) {
          assert.fail(`${name} did not compile: ${JSON.stringify(e.payload ?? e.message)}`);
        }
        const expected = readFileSync(out);
        assert.equal(compiled.component.length, expected.length, `${name} ${flags}: size`);
        assert.ok(Buffer.from(compiled.component).equals(expected), `${name} ${flags}: bytes differ`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
