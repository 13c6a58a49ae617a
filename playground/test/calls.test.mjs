// Values through the whole playground path, in Node: the compiler component compiles
// test/values.claw, `parse-call` types each call, jco's bindings call the export with the
// values `src/values.js` revives, and `print-result` prints what comes back. Every line must be
// what the native `claw run` prints for the same call (the binary as in compiler.test.mjs).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { claw } from './support.mjs';
import { $init, generate } from '@bytecodealliance/jco-transpile/component';
import { parseValue, dump } from '../src/values.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const compilerJs = path.resolve(here, '../dist/compiler/compiler.js');

const CALLS = [
  'echo-point({x: 1.5, y: -2.0, label: some("a")})',
  'echo-point({x: 0.0, y: 1.0, label: none})',
  'echo-shape(circle(2.5))',
  'echo-shape(rect({x: 1.0, y: 2.0, label: none}))',
  'echo-shape(empty)',
  'echo-color(green)',
  'echo-perms({read, exec})',
  'echo-perms({})',
  'echo-nested(some(some(3)))',
  'echo-nested(some(none))',
  'echo-nested(none)',
  "echo-tuple(('ö', -9223372036854775808, 18446744073709551615, true))",
  'echo-bytes([0, 255, 7])',
  'echo-floats([1.5, -0.0, 3.4028235e38])',
  'echo-big([-1, 9007199254740993])',
  'echo-result(ok("x"))',
  'echo-result(err(7))',
  'echo-strings(["a", "wörld\\n", "tab\\there"])',
  'echo-float(nan)',
  'echo-float(-inf)',
  'echo-float(-0.0)',
  'echo-float(0.1)',
  'sum([1, 2, 3])',
  'sum([1, 2], some(10))',
  'echo-person({first-name: "Ada", last-seen: some(3)})',
  'echo-access({can-write})',
  'echo-deep(none)',
  'echo-deep(some(none))',
  'echo-deep(some(some(none)))',
  'echo-deep(some(some(some(3))))',
  'add-one(1)',
  'my-api#add-one(2)',
];

it('calls print as claw run prints them', async () => {
  assert.ok(existsSync(compilerJs), `${compilerJs} is missing: run \`npm run build\` first`);
  const { api } = await import(pathToFileURL(compilerJs));
  const file = path.join(here, 'values.claw');
  const compiled = api.compile('values.claw', readFileSync(file, 'utf8'), [], { optLevel: 'o2', debugInfo: true });

  await $init;
  const { files } = generate(compiled.component, { name: 'user', instantiation: { tag: 'async' }, noTypescript: true });
  const byName = new Map(files);
  const js = Buffer.from(byName.get('user.js')).toString('base64');
  const { instantiate } = await import(`data:text/javascript;base64,${js}`);
  const instance = await instantiate((name) => WebAssembly.compile(byName.get(name)), {});

  const native = spawnSync(claw(), ['run', file, ...CALLS.flatMap((c) => ['--invoke', c])], { encoding: 'utf8' });
  assert.equal(native.status, 0, native.stderr);
  const expected = native.stdout.trimEnd().split('\n');
  assert.equal(expected.length, CALLS.length);

  CALLS.forEach((text, i) => {
    const call = api.parseCall(compiled.component, text);
    const target = call.interface ? instance[call.interface] : instance;
    let result;
    try {
      result = { ok: dump(target[call.func](...parseValue(call.args))) };
    } catch (e) {
      assert.ok(e && 'payload' in e, `${text} threw ${e}`);
      result = { err: dump(e.payload) };
    }
    const printed = api.printResult(compiled.component, call.name, JSON.stringify(result));
    assert.equal(printed, expected[i], `${text}: the playground printed ${printed}, claw run ${expected[i]}`);
  });
});
