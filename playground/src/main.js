// The Claw playground page: a CodeMirror editor that compiles as you type with the Claw
// compiler (a WebAssembly component, transpiled by jco into dist/compiler/), and a worker that
// runs the compiled component's exports.
import { EditorState } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, indentUnit } from '@codemirror/language';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { claw } from './claw-lang.js';

const TIME_LIMIT_MS = (() => {
  const asked = Number(new URLSearchParams(location.search).get('limit'));
  return Number.isFinite(asked) && asked > 0 ? asked : 3000;
})();
const LOAD_LIMIT_MS = 60_000; // transpiling and instantiating, before the call starts
const DEBOUNCE_MS = 150;
const DEFAULT_EXAMPLE = 'factorial.claw';

const $ = (id) => document.getElementById(id);
const ui = {
  source: $('source'), diagnostics: $('diagnostics'), invoke: $('invoke'), run: $('run'),
  output: $('output'), wit: $('wit'), size: $('size'), exports: $('exports'),
  examples: $('examples'), status: $('status'), optLevel: $('opt-level'),
  format: $('format'), share: $('share'), clearOutput: $('clear-output'),
};

const stats = { firstCompileMs: null, compilerBytes: null, lastCompileMs: null };
let api = null; // the compiler's `claw:compiler/api` exports
let examples = [];
let example = null; // the chosen example: {name, fileName, source, wit, invoke}
let compiled = null; // the last successful compile: {component, wit, exports}
let compileWaiters = [];

// ---------------------------------------------------------------- helpers

function setStatus(text, error = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
}

function errorText(e) {
  if (e && typeof e === 'object' && 'payload' in e) {
    return typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload);
  }
  return e?.message ?? String(e);
}

function base64UrlEncode(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecode(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  let code = null;
  try {
    if (params.has('code')) code = base64UrlDecode(params.get('code'));
  } catch {
    code = null;
  }
  return { example: params.get('example'), code };
}

function writeHash() {
  const params = new URLSearchParams();
  const source = view.state.doc.toString();
  if (example) params.set('example', example.name);
  if (!example || source !== example.source) params.set('code', base64UrlEncode(source));
  const hash = '#' + params.toString();
  if (location.hash !== hash) window.history.replaceState(null, '', hash);
}

function fileName() {
  return example?.fileName ?? 'main.claw';
}

// ---------------------------------------------------------------- the editor

let debounce = null;
const view = new EditorView({
  parent: ui.source,
  state: EditorState.create({
    doc: '',
    extensions: [
      lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(),
      drawSelection(), indentOnInput(), bracketMatching(), highlightActiveLine(),
      indentUnit.of('    '), EditorState.tabSize.of(4),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      claw(), lintGutter(),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) scheduleCompile();
      }),
    ],
  }),
});

function scheduleCompile() {
  clearTimeout(debounce);
  debounce = setTimeout(compileNow, DEBOUNCE_MS);
}

function setSource(text) {
  const done = nextCompile();
  if (text === view.state.doc.toString()) scheduleCompile();
  else view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  return done;
}

/** Resolves with the outcome of the next compile (`{ok: true}` or `{ok: false, diagnostics}`). */
function nextCompile() {
  return new Promise((resolve) => compileWaiters.push(resolve));
}

// ---------------------------------------------------------------- compiling

function clamp(n, max) {
  return Math.max(0, Math.min(n ?? 0, max));
}

function lintDiagnostics(diagnostics, docLength) {
  const out = [];
  for (const d of diagnostics) {
    const title = `error[${d.code}]: ${d.message}`;
    const extra = [...d.notes.map((n) => `note: ${n}`), ...(d.hint ? [`help: ${d.hint}`] : [])];
    if (d.primary) {
      const { span, message } = d.primary;
      out.push({
        from: clamp(span.utf16Start, docLength), to: clamp(span.utf16End, docLength),
        severity: 'error', source: d.code,
        message: [title, message && message !== d.message ? message : null, ...extra].filter(Boolean).join('\n'),
      });
    } else {
      out.push({ from: 0, to: 0, severity: 'error', source: d.code, message: [title, ...extra].join('\n') });
    }
    for (const label of d.secondary) {
      out.push({
        from: clamp(label.span.utf16Start, docLength), to: clamp(label.span.utf16End, docLength),
        severity: 'info', source: d.code, message: label.message || title,
      });
    }
  }
  return out;
}

/** How many diagnostics the panel lists, as `claw check` prints. */
const MAX_SHOWN = 100;

function showDiagnostics(source, diagnostics) {
  ui.diagnostics.replaceChildren();
  if (!diagnostics.length) return;
  const name = fileName();
  // As `claw check` shows them: in source order (a stable sort keeps the compiler's order at one
  // place; diagnostics without a place first), the first 100, then a count of the rest.
  const shown = diagnostics
    .map((d, i) => [d, i])
    .sort(([a, i], [b, j]) => (a.primary?.span.start ?? -1) - (b.primary?.span.start ?? -1) || i - j)
    .map(([d]) => d);
  for (const d of shown.slice(0, MAX_SHOWN)) {
    const pre = document.createElement('pre');
    pre.className = 'diagnostic';
    let text;
    try {
      text = api.renderDiagnostics(name, source, [d]);
      // Each rendering ends with `error: could not compile …`; the summary below says it once.
      text = text.replace(/\n*error: could not compile[^\n]*\n*$/, '');
    } catch (e) {
      text = `error[${d.code}]: ${d.message}`;
    }
    pre.textContent = text.trimEnd();
    if (d.primary) {
      pre.title = 'Go to the error';
      pre.addEventListener('click', () => {
        const at = clamp(d.primary.span.utf16Start, view.state.doc.length);
        view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
        view.focus();
      });
    }
    ui.diagnostics.append(pre);
  }
  if (shown.length > MAX_SHOWN) {
    const more = document.createElement('div');
    const hidden = shown.length - MAX_SHOWN;
    more.textContent = `note: ${hidden} more error${hidden === 1 ? '' : 's'} not shown`;
    ui.diagnostics.append(more);
  }
  const summary = document.createElement('div');
  summary.className = 'summary';
  try {
    const all = api.renderDiagnostics(name, source, diagnostics);
    summary.textContent = /error: could not compile[^\n]*/.exec(all)?.[0]
      ?? `${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}`;
  } catch {
    summary.textContent = `${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}`;
  }
  ui.diagnostics.append(summary);
}

function showCompiled(result) {
  ui.wit.textContent = result.wit;
  ui.size.textContent = `${result.component.length.toLocaleString('en-US')} bytes`;
  ui.exports.replaceChildren();
  for (const f of result.exports) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = f.name;
    button.title = `Call ${f.name}`;
    button.addEventListener('click', () => {
      ui.invoke.value = `${f.name}(`;
      ui.invoke.focus();
    });
    const sig = document.createElement('span');
    sig.className = 'signature';
    sig.textContent = f.signature;
    li.append(button, sig);
    ui.exports.append(li);
  }
  for (const el of [ui.wit, ui.size, ui.exports]) el.classList.remove('stale');
}

function compileNow() {
  clearTimeout(debounce);
  debounce = null;
  if (!api) return; // compiled once the compiler is loaded
  const source = view.state.doc.toString();
  const started = performance.now();
  let outcome;
  try {
    const result = api.compile(fileName(), source, example?.wit ?? [], {
      optLevel: ui.optLevel.value, debugInfo: false,
    });
    const ms = performance.now() - started;
    stats.lastCompileMs = ms;
    compiled = result;
    view.dispatch(setDiagnostics(view.state, []));
    showDiagnostics(source, []);
    showCompiled(result);
    if (stats.firstCompileMs === null) stats.firstCompileMs = Math.round(performance.now());
    setStatus(`compiled in ${Math.round(ms)} ms · first compile ${stats.firstCompileMs} ms after load`);
    outcome = { ok: true, ms };
  } catch (e) {
    if (e && typeof e === 'object' && Array.isArray(e.payload)) {
      const diagnostics = e.payload;
      compiled = null;
      view.dispatch(setDiagnostics(view.state, lintDiagnostics(diagnostics, view.state.doc.length)));
      showDiagnostics(source, diagnostics);
      ui.size.textContent = '—';
      for (const el of [ui.wit, ui.size, ui.exports]) el.classList.add('stale');
      setStatus(`${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}`, true);
      outcome = { ok: false, diagnostics };
    } else {
      // A bug in the compiler (a panic is a trap): say so, and load a fresh instance, since
      // a component instance that trapped cannot be entered again.
      console.warn('the compiler failed:', e);
      compiled = null;
      setStatus(`the compiler failed: ${errorText(e)}`, true);
      outcome = { ok: false, error: errorText(e) };
      reloadCompiler();
    }
  }
  writeHash();
  const waiters = compileWaiters;
  compileWaiters = [];
  for (const resolve of waiters) resolve(outcome);
  return outcome;
}

// ---------------------------------------------------------------- running

function appendOutput(text, cls) {
  const span = document.createElement('span');
  if (cls) span.className = cls;
  span.textContent = text;
  ui.output.append(span);
  ui.output.scrollTop = ui.output.scrollHeight;
}

let worker = null;
let running = null; // {id, component, call, timer, resolve}
let nextId = 1;

function startWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event) => onWorkerMessage(event.data);
  worker.onerror = (event) => {
    event.preventDefault?.();
    if (running) finishRun(() => appendOutput(`error: the worker failed: ${event.message ?? 'unknown error'}\n`, 'error'), true);
  };
}

function finishRun(show, restartWorker = false) {
  const run = running;
  running = null;
  clearTimeout(run.timer);
  if (restartWorker) {
    worker.terminate();
    startWorker();
  }
  show();
  ui.run.disabled = false;
  run.resolve();
}

function onWorkerMessage(msg) {
  if (!running || msg.id !== running.id) return;
  const run = running;
  switch (msg.type) {
    case 'calling':
      clearTimeout(run.timer);
      run.timer = setTimeout(() => finishRun(() => appendOutput(
        `stopped: the call ran longer than ${TIME_LIMIT_MS / 1000} s\n`, 'stopped'), true), TIME_LIMIT_MS);
      break;
    case 'stdout':
    case 'stderr':
      appendOutput(msg.text, msg.type === 'stderr' ? 'stderr' : null);
      break;
    case 'done':
      finishRun(() => {
        if (!(ui.output.lastChild?.textContent ?? '\n').endsWith('\n')) appendOutput('\n');
        if ('trap' in msg) {
          appendOutput(`trap: ${msg.trap}\n`, 'trap');
        } else if ('error' in msg) {
          appendOutput(`error: ${msg.error}\n`, 'error');
        } else {
          const json = JSON.stringify('err' in msg ? { err: msg.err } : { ok: msg.ok });
          try {
            const text = api.printResult(run.component, run.call.name, json);
            if (text !== undefined && text !== null) appendOutput(`${text}\n`, 'result');
          } catch (e) {
            appendOutput(`error: ${errorText(e)}\n`, 'error');
          }
        }
      });
      break;
  }
}

function runCall() {
  const text = ui.invoke.value.trim();
  if (!text) {
    ui.invoke.focus();
    return Promise.resolve();
  }
  if (running) return Promise.resolve();
  if (!api) {
    appendOutput('error: the compiler is not loaded yet\n', 'error');
    return Promise.resolve();
  }
  if (debounce) compileNow(); // run what the editor shows
  appendOutput(`> ${text}\n`, 'call');
  if (!compiled) {
    appendOutput('error: the program does not compile; see the errors\n', 'error');
    return Promise.resolve();
  }
  let call;
  try {
    call = api.parseCall(compiled.component, text);
  } catch (e) {
    appendOutput(`error: ${errorText(e)}\n`, 'error');
    return Promise.resolve();
  }
  const component = compiled.component;
  return new Promise((resolve) => {
    const id = nextId++;
    running = { id, component, call, resolve, timer: null };
    // The call's own time limit starts when the worker says it is calling; this one covers
    // transpiling and instantiating.
    running.timer = setTimeout(() => finishRun(() => appendOutput(
      `stopped: loading the component took longer than ${LOAD_LIMIT_MS / 1000} s\n`, 'stopped'), true), LOAD_LIMIT_MS);
    ui.run.disabled = true;
    worker.postMessage({ id, component, call: { interface: call.interface, func: call.func, name: call.name, args: call.args } });
  });
}

// ---------------------------------------------------------------- examples and controls

function chooseExample(name, { keepSource = false } = {}) {
  example = examples.find((e) => e.name === name) ?? null;
  ui.examples.value = example ? example.name : '';
  if (example?.invoke) ui.invoke.value = example.invoke;
  // "(your program)" keeps whatever is in the editor.
  if (!keepSource && example) return setSource(example.source);
  return Promise.resolve();
}

ui.examples.addEventListener('change', () => chooseExample(ui.examples.value));
ui.optLevel.addEventListener('change', () => compileNow());
ui.run.addEventListener('click', () => runCall());
ui.invoke.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    runCall();
  }
});
ui.clearOutput.addEventListener('click', () => ui.output.replaceChildren());
ui.format.addEventListener('click', () => {
  if (!api) return;
  try {
    const formatted = api.format(fileName(), view.state.doc.toString());
    if (formatted !== view.state.doc.toString()) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: formatted } });
    }
  } catch (e) {
    setStatus('cannot format: the program has syntax errors', true);
  }
});
ui.share.addEventListener('click', async () => {
  writeHash();
  try {
    await navigator.clipboard.writeText(location.href);
    setStatus('link copied');
  } catch {
    setStatus('copy the address bar to share');
  }
});
for (const tab of document.querySelectorAll('#tabs [role="tab"]')) {
  tab.addEventListener('click', () => {
    for (const other of document.querySelectorAll('#tabs [role="tab"]')) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      $(other.getAttribute('aria-controls')).hidden = !selected;
    }
  });
}

// ---------------------------------------------------------------- start

let compilerGeneration = 0;

function reloadCompiler() {
  api = null;
  loadCompiler(++compilerGeneration).then((compiler) => {
    api = compiler;
    // Edits made while it loaded were not compiled, and callers may be waiting for a compile.
    compileNow();
  }, (e) => setStatus(`could not reload the compiler: ${errorText(e)}`, true));
}

async function loadCompiler(generation = 0) {
  const url = new URL(`./compiler/compiler.js${generation ? `?instance=${generation}` : ''}`, import.meta.url).href;
  const [mod, info] = await Promise.all([
    import(/* @vite-ignore */ url),
    fetch(new URL('./build-info.json', import.meta.url)).then((r) => (r.ok ? r.json() : null)).catch(() => null),
  ]);
  const compiler = mod.api ?? mod['claw:compiler/api@0.1.0'];
  if (!compiler) throw new Error('compiler.js has no `api` export');
  stats.compilerBytes = info?.compilerBytes ?? null;
  return compiler;
}

async function start() {
  startWorker();
  const examplesLoaded = fetch(new URL('./examples.json', import.meta.url))
    .then((r) => (r.ok ? r.json() : []))
    .catch(() => []);
  const compilerLoaded = loadCompiler();
  examples = await examplesLoaded;
  for (const e of [{ name: '', label: '(your program)' }, ...examples]) {
    const option = document.createElement('option');
    option.value = e.name;
    option.textContent = e.label ?? e.name;
    ui.examples.append(option);
  }
  const hash = readHash();
  const initial = hash.example ?? (hash.code === null ? DEFAULT_EXAMPLE : null);
  await chooseExample(initial, { keepSource: true });
  view.dispatch({ changes: { from: 0, to: 0, insert: hash.code ?? example?.source ?? '' } });
  try {
    api = await compilerLoaded;
  } catch (e) {
    setStatus(`could not load the compiler: ${errorText(e)}`, true);
    throw e;
  }
  compileNow();
}

const ready = start();
ready.catch((e) => console.error(e));

window.playground = {
  ready,
  setSource,
  stats,
  compile: compileNow,
  run: runCall,
  get view() { return view; },
  get compiled() { return compiled; },
  get api() { return api; },
};
