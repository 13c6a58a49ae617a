// Builds the playground into dist/:
//   1. the compiler component (crates/claw-web/build.sh, or $CLAW_WEB_WASM) → dist/claw-web.wasm
//   2. jco's transpilation of it → dist/compiler/ (ESM, imports nothing)
//   3. src/main.js and src/worker.js bundled with esbuild
//   4. jco's bindgen core wasm files next to the worker bundle (it transpiles user components)
//   5. index.html, style.css and examples.json
// `node build.mjs` exits 1 (after building everything else) when the compiler component is
// missing, so a page without a compiler is never mistaken for a working one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const dist = path.join(here, 'dist');
const require = createRequire(import.meta.url);

const log = (...a) => console.log('build:', ...a);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

await fs.rm(dist, { recursive: true, force: true });
await fs.mkdir(dist, { recursive: true });

// 1. The compiler component.
const compilerWasm = path.join(dist, 'claw-web.wasm');
let compilerProblem = null;
if (process.env.CLAW_WEB_WASM) {
  const from = path.resolve(process.env.CLAW_WEB_WASM);
  if (existsSync(from)) {
    await fs.copyFile(from, compilerWasm);
    log(`compiler component from CLAW_WEB_WASM=${from}`);
  } else {
    compilerProblem = `CLAW_WEB_WASM=${from} does not exist`;
  }
} else {
  const script = path.join(repo, 'crates/claw-web/build.sh');
  if (existsSync(script)) {
    log(`bash ${path.relative(here, script)} ${path.relative(here, compilerWasm)}`);
    const r = spawnSync('bash', [script, compilerWasm], { stdio: 'inherit', cwd: here });
    if (r.status !== 0 || !existsSync(compilerWasm)) {
      compilerProblem = `${path.relative(here, script)} failed (exit ${r.status ?? r.signal})`;
    }
  } else {
    compilerProblem = `${path.relative(here, script)} does not exist yet; set CLAW_WEB_WASM to a prebuilt compiler component`;
  }
}

// 2. Transpile it with jco.
if (!compilerProblem) {
  const { $init, generate } = await import('@bytecodealliance/jco-transpile/component');
  await $init;
  const bytes = new Uint8Array(await fs.readFile(compilerWasm));
  const out = generate(bytes, { name: 'compiler', noTypescript: true });
  if (out.imports.length) {
    compilerProblem = `the compiler component has imports (${out.imports.join(', ')}); the playground expects none`;
  } else {
    const dir = path.join(dist, 'compiler');
    await fs.mkdir(dir, { recursive: true });
    for (const [name, data] of out.files) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), data);
    }
    await fs.writeFile(path.join(dist, 'build-info.json'), JSON.stringify({
      compilerBytes: bytes.length,
      compilerFiles: Object.fromEntries(out.files.map(([n, d]) => [n, d.length])),
    }));
    log(`compiler: ${kb(bytes.length)} component → dist/compiler/ (${out.files.map(([n]) => n).join(', ')}); exports ${out.exports.map(([n, k]) => `${n} (${k})`).join(', ')}`);
  }
}

// 3. Bundle the page and the worker.
const result = await esbuild.build({
  entryPoints: { main: path.join(here, 'src/main.js'), worker: path.join(here, 'src/worker.js') },
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  // jco's bindgen reads its wasm with node:fs when it runs under Node; never in the browser.
  external: ['node:*'],
  metafile: true,
  logLevel: 'warning',
});
for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  log(`${path.relative(here, file)} ${kb(bytes)}`);
}

// 4. The bindgen's core wasm files, which the worker bundle loads relative to itself.
const vendor = path.join(path.dirname(require.resolve('@bytecodealliance/jco-transpile/component')));
for (const name of await fs.readdir(vendor)) {
  if (/^js-component-bindgen-component\.core\d*\.wasm$/.test(name)) {
    await fs.copyFile(path.join(vendor, name), path.join(dist, name));
  }
}

// 5. Static files and the examples.
for (const name of ['index.html', 'style.css']) {
  await fs.copyFile(path.join(here, name), path.join(dist, name));
}

async function walk(dir) {
  const out = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await walk(p));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

const examplesDir = path.join(repo, 'examples');
const examples = [];
for (const file of await walk(examplesDir)) {
  if (!file.endsWith('.claw') || /\.(test|props)\.claw$/.test(file)) continue;
  if (file.split(path.sep).includes('wit')) continue;
  const witDir = path.join(path.dirname(file), 'wit');
  const wit = [];
  if (existsSync(witDir)) {
    for (const w of await walk(witDir)) {
      wit.push({ path: path.relative(witDir, w).split(path.sep).join('/'), text: await fs.readFile(w, 'utf8') });
    }
  }
  const source = await fs.readFile(file, 'utf8');
  // `// invoke: f(1) == 2` comments name a call worth trying.
  const invoke = /^\/\/ invoke: (.*?)(?: == .*)?$/m.exec(source)?.[1] ?? null;
  examples.push({
    name: path.relative(examplesDir, file).split(path.sep).join('/'),
    fileName: path.basename(file),
    source,
    wit,
    invoke,
  });
}
await fs.writeFile(path.join(dist, 'examples.json'), JSON.stringify(examples));
log(`examples.json: ${examples.length} examples (${examples.map((e) => e.name).join(', ')})`);

if (compilerProblem) {
  console.error(`\nbuild: NO COMPILER COMPONENT: ${compilerProblem}.\nbuild: dist/ has everything else, but the page cannot compile until it is built.`);
  process.exit(1);
}
log('done');
