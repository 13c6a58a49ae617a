import test from 'node:test';
import assert from 'node:assert/strict';
import { parseValue, dump, dumpJson } from '../src/values.js';

test('arguments JSON becomes jco values', () => {
  const args = parseValue(JSON.stringify([
    { $bigint: '18446744073709551615' },
    { $float: 'nan' }, { $float: 'inf' }, { $float: '-inf' }, { $float: '-0' },
    { $typed: 'Uint8Array', items: [1, 2, 255] },
    { $typed: 'BigInt64Array', items: [{ $bigint: '-5' }, '7'] },
    { $typed: 'Float64Array', items: [1.5, { $float: 'nan' }] },
    null, 'text', true, 3,
    { tag: 'some', val: { $bigint: '1' } },
    [[1, 'a']],
  ]));
  assert.equal(args[0], 18446744073709551615n);
  assert.ok(Number.isNaN(args[1]));
  assert.equal(args[2], Infinity);
  assert.equal(args[3], -Infinity);
  assert.ok(Object.is(args[4], -0));
  assert.ok(args[5] instanceof Uint8Array);
  assert.deepEqual(Array.from(args[5]), [1, 2, 255]);
  assert.ok(args[6] instanceof BigInt64Array);
  assert.deepEqual(Array.from(args[6]), [-5n, 7n]);
  assert.ok(args[7] instanceof Float64Array);
  assert.ok(Number.isNaN(args[7][1]));
  assert.equal(args[8], null);
  assert.deepEqual(args.slice(9, 12), ['text', true, 3]);
  assert.deepEqual(args[12], { tag: 'some', val: 1n });
  assert.deepEqual(args[13], [[1, 'a']]);
});

test('results become JSON', () => {
  assert.equal(dumpJson(2432902008176640000n), '{"$bigint":"2432902008176640000"}');
  assert.equal(dumpJson(undefined), 'null');
  assert.deepEqual(dump([NaN, Infinity, -Infinity, -0, 0.5]), [
    { $float: 'nan' }, { $float: 'inf' }, { $float: '-inf' }, { $float: '-0' }, 0.5,
  ]);
  assert.deepEqual(dump(new Uint8Array([1, 2])), [1, 2]);
  assert.deepEqual(dump(new BigUint64Array([3n])), [{ $bigint: '3' }]);
  assert.deepEqual(dump({ tag: 'ok', val: { name: 'x', count: 2n, extra: undefined } }),
    { tag: 'ok', val: { name: 'x', count: { $bigint: '2' }, extra: null } });
});

test('a trap names its reason', async () => {
  const { isTrap, trapReason } = await import('../src/trap.js');
  const e = new WebAssembly.RuntimeError('unreachable');
  e.stack = 'RuntimeError: unreachable\n    at claw:trap:index out of bounds (wasm://wasm/0a1b:wasm-function[3]:0x1f)\n    at at (wasm://wasm/0a1b:wasm-function[7]:0x40)';
  assert.ok(isTrap(e));
  assert.equal(trapReason(e), 'index out of bounds');
  const plain = new WebAssembly.RuntimeError('integer divide by zero');
  plain.stack = 'RuntimeError: integer divide by zero\n    at f (wasm://wasm/0a1b:wasm-function[3]:0x1f)';
  assert.equal(trapReason(plain), 'integer divide by zero');
  assert.ok(!isTrap(new TypeError('bad argument')));
});
