// Runs a user's component: a module Web Worker that jco-transpiles the component, instantiates
// it with preview2-shim's browser WASI, and calls one export.
//
// In:  {id, component: Uint8Array, call: {interface, func, name, args}}   (a `js-call`)
// Out: {id, type: 'calling'}                      the call starts now (the page's timer starts)
//      {id, type: 'stdout' | 'stderr', text}      output, as it is written
//      {id, type: 'done', ok: value}               the call returned (value as `dump`ed JSON)
//      {id, type: 'done', err: value}              it returned `err(value)` (a result's error)
//      {id, type: 'done', trap: reason}            it trapped
//      {id, type: 'done', error: message}          it could not be run (transpile, imports, …)
//
// The instance lives on between calls with the same component bytes, so globals persist as in
// `claw run`; a different component (or a trap) replaces it.
import { $init as bindgenReady, generate } from '@bytecodealliance/jco-transpile/component';
import * as cli from '@bytecodealliance/preview2-shim/cli';
import * as io from '@bytecodealliance/preview2-shim/io';
import * as random from '@bytecodealliance/preview2-shim/random';
import * as clocks from '@bytecodealliance/preview2-shim/clocks';
import * as filesystem from '@bytecodealliance/preview2-shim/filesystem';
import * as http from '@bytecodealliance/preview2-shim/http';
import * as sockets from '@bytecodealliance/preview2-shim/sockets';
import { parseValue, dump } from './values.js';
import { isTrap, trapReason } from './trap.js';

const SHIM = '@bytecodealliance/preview2-shim';
const SHIMS = {
  [`${SHIM}/cli`]: cli,
  [`${SHIM}/io`]: io,
  [`${SHIM}/random`]: random,
  [`${SHIM}/clocks`]: clocks,
  [`${SHIM}/filesystem`]: filesystem,
  [`${SHIM}/http`]: http,
  [`${SHIM}/sockets`]: sockets,
};
const MAP = ['cli', 'clocks', 'filesystem', 'http', 'io', 'random', 'sockets']
  .map((pkg) => [`wasi:${pkg}/*`, `${SHIM}/${pkg}#*`]);

const OUTPUT_LIMIT = 1 << 20; // characters of stdout + stderr kept per call

// Output goes to whichever call is running; a stream is made per `get-stdout`, because a
// component that drops its handle closes the stream behind it.
let current = null; // {id, pending: {stdout, stderr}, decoders, total}

function flushOutput() {
  if (!current) return;
  for (const type of ['stdout', 'stderr']) {
    const text = current.pending[type] + current.decoders[type].decode();
    current.pending[type] = '';
    if (text) postMessage({ id: current.id, type, text });
  }
}

function outputHandler(type) {
  return {
    write(bytes) {
      if (!current) return;
      if (current.total < OUTPUT_LIMIT) {
        const text = current.decoders[type].decode(bytes, { stream: true });
        current.total += text.length;
        current.pending[type] += current.total < OUTPUT_LIMIT ? text : text + '\n[output truncated]\n';
      }
      // Posted at once: a call that never returns is stopped by terminating this worker, so
      // anything held back would be lost.
      flushOutput();
    },
    blockingFlush() {},
    flush() {},
  };
}

const cliImports = {
  ...cli,
  stdout: { getStdout: () => io.outputStreamCreate(outputHandler('stdout')) },
  stderr: { getStderr: () => io.outputStreamCreate(outputHandler('stderr')) },
  environment: {
    getEnvironment: () => [],
    getArguments: () => ['main.wasm'],
    initialCwd: () => undefined,
  },
};

function missingImport(specifier) {
  // A component that imports an interface no shim provides (its own WIT) still
  // instantiates; calling such a function says what is missing.
  return new Proxy({}, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      return new Proxy(function () {}, {
        apply() { throw new Error(`the playground does not provide the import ${specifier}#${name}`); },
        construct() { throw new Error(`the playground does not provide the import ${specifier}#${name}`); },
        get(_, member) {
          if (typeof member !== 'string') return undefined;
          return () => { throw new Error(`the playground does not provide the import ${specifier}#${name}.${member}`); };
        },
      });
    },
  });
}

let loaded = null; // {bytes, instance}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function instantiate(component) {
  await bindgenReady;
  const { files, imports } = generate(component, {
    name: 'user',
    instantiation: { tag: 'async' },
    noTypescript: true,
    map: MAP,
  });
  const fileMap = new Map(files);
  const js = new TextDecoder().decode(fileMap.get('user.js'));
  const url = URL.createObjectURL(new Blob([js], { type: 'text/javascript' }));
  let mod;
  try {
    mod = await import(/* @vite-ignore */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const importObject = {};
  for (const specifier of imports) {
    importObject[specifier] = specifier === `${SHIM}/cli` ? cliImports : SHIMS[specifier] ?? missingImport(specifier);
  }
  const modules = new Map();
  const getCoreModule = (name) => {
    if (!modules.has(name)) {
      const bytes = fileMap.get(name);
      if (!bytes) throw new Error(`jco asked for ${name}, which it did not generate`);
      modules.set(name, WebAssembly.compile(bytes));
    }
    return modules.get(name);
  };
  return mod.instantiate(getCoreModule, importObject);
}

async function run({ id, component, call }) {
  current = { id, pending: { stdout: '', stderr: '' }, decoders: { stdout: new TextDecoder(), stderr: new TextDecoder() }, total: 0 };
  let reply;
  try {
    if (!loaded || !sameBytes(loaded.bytes, component)) {
      loaded = null;
      loaded = { bytes: component, instance: await instantiate(component) };
    }
    const target = call.interface ? loaded.instance[call.interface] : loaded.instance;
    const fn = target?.[call.func];
    if (typeof fn !== 'function') {
      throw new Error(`the component has no export ${call.interface ? `${call.interface}#` : ''}${call.func}`);
    }
    const args = parseValue(call.args);
    postMessage({ id, type: 'calling' });
    try {
      reply = { ok: dump(await fn.apply(target, args)) };
    } catch (e) {
      if (e && typeof e === 'object' && 'payload' in e && !isTrap(e)) {
        reply = { err: dump(e.payload) };
      } else {
        throw e;
      }
    }
  } catch (e) {
    if (isTrap(e)) {
      reply = { trap: trapReason(e) };
      loaded = null; // a trapped instance may not be entered again
    } else {
      reply = { error: e?.message ?? String(e) };
      loaded = null;
    }
  }
  flushOutput();
  current = null;
  postMessage({ id, type: 'done', ...reply });
}

// Calls run one at a time, in order.
let queue = Promise.resolve();
self.onmessage = (event) => {
  queue = queue.then(() => run(event.data));
};
// Start loading the bindgen at once, so the first run does not wait for it.
bindgenReady.then(() => postMessage({ type: 'ready' }), (e) => postMessage({ type: 'ready', error: String(e) }));
