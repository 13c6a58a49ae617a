// End-to-end tests of the built playground (dist/) in Debian's Chromium, through playwright-core.
// Run `npm run build` first; without the compiler component these tests fail, they never skip.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const dist = path.join(root, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const FACTORIAL = `// factorial on u64
export func factorial(n: u64) -> u64 {
if n <= 1 {
return 1;
}
return n * factorial(n - 1);
}
`;

const TYPE_ERROR = `export func f() -> u32 {
    let x: u32 = "hi";
    return x;
}
`;

const PROGRAMS = `let mut count: u32 = 0;

export func increment() -> u32 {
    count += 1;
    return count;
}

export func spin() -> u32 {
    print("spinning");
    let mut n: u32 = 0;
    loop {
        n += 1;
    }
}

export func greet(name: string) {
    print("hello, ");
    println(name);
    println("second line");
}

export func at(i: u32) -> u32 {
    let xs: list<u32> = [1, 2, 3];
    return xs[i];
}

export func factorial(n: u64) -> u64 {
    if n <= 1 {
        return 1;
    }
    return n * factorial(n - 1);
}

export func half(n: u32) -> result<u32, string> {
    if n % 2 == 1 {
        return err("odd");
    }
    return ok(n / 2);
}
`;

let server;
let baseUrl;
let browser;
let page;
const consoleErrors = [];

function startServe() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'serve.mjs')], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ child, url: m[0] });
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited (${code}) before listening: ${out}`)));
    child.on('error', reject);
  });
}

async function waitForText(selector, expected, timeout = 20_000) {
  try {
    await page.waitForFunction(([sel, text, isRegex]) => {
      const content = document.querySelector(sel)?.textContent ?? '';
      return isRegex ? new RegExp(text).test(content) : content.includes(text);
    }, [selector, expected instanceof RegExp ? expected.source : expected, expected instanceof RegExp], { timeout });
  } catch (e) {
    const actual = await page.locator(selector).textContent().catch(() => '(missing)');
    assert.fail(`${selector} never contained ${expected}; it has:\n${actual}\n(${e.message.split('\n')[0]})`);
  }
}

async function setSource(text) {
  const outcome = await page.evaluate((t) => window.playground.setSource(t), text);
  return outcome;
}

async function invoke(call) {
  await page.fill('#invoke', call);
  await page.click('#run');
}

async function clearOutput() {
  await page.click('#clear-output');
}

describe('the playground in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    const compilerJs = path.join(dist, 'compiler', 'compiler.js');
    if (!existsSync(compilerJs)) {
      throw new Error(`${path.relative(root, compilerJs)} is missing: the compiler component was not built. `
        + 'Run `npm run build` (it runs ../crates/claw-web/build.sh, or set CLAW_WEB_WASM to a built component).');
    }
    assert.ok(existsSync(CHROMIUM), `Chromium is not at ${CHROMIUM} (set CHROMIUM)`);
    ({ child: server, url: baseUrl } = await startServe());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(baseUrl);
    await page.evaluate(() => window.playground.ready);
  });

  after(async () => {
    await fs.mkdir(path.join(root, 'test-results'), { recursive: true });
    if (page) await page.screenshot({ path: path.join(root, 'test-results', 'playground.png') }).catch(() => {});
    await browser?.close();
    server?.kill();
  });

  it('compiles the default example on load and reports the timing', async () => {
    await waitForText('#size', /\d[\d,]* bytes/);
    await waitForText('#status', /compiled in \d+ ms · first compile \d+ ms after load/);
    const stats = await page.evaluate(() => ({ ...window.playground.stats }));
    assert.ok(stats.firstCompileMs > 0, JSON.stringify(stats));
    assert.ok(stats.compilerBytes > 100_000, JSON.stringify(stats));
    assert.ok(await page.locator('#examples option').count() > 5);
  });

  it('compiles a program typed on the keyboard and runs it', async () => {
    await page.click('#source .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(FACTORIAL);
    // The editor indents as it goes; the text is the same up to indentation.
    await page.waitForFunction((expected) => window.playground.view.state.doc.toString()
      .split('\n').map((l) => l.trimStart()).join('\n') === expected, FACTORIAL);
    const typed = await page.evaluate(() => window.playground.view.state.doc.toString());
    assert.match(typed, /\n {4}if n <= 1 \{\n {8}return 1;\n {4}\}\n/);
    await page.waitForFunction(() => window.playground.compiled !== null
      && document.querySelector('#diagnostics').textContent === '');
    await waitForText('#size', /^\d[\d,]* bytes$/);
    await waitForText('#wit', 'export factorial: func(n: u64) -> u64');
    await waitForText('#exports', 'factorial');
    await invoke('factorial(20)');
    await waitForText('#output', '2432902008176640000');
  });

  it('keeps the program in the URL', async () => {
    const url = page.url();
    assert.match(url, /#.*code=/);
    const other = await browser.newPage();
    await other.goto(url);
    await other.evaluate(() => window.playground.ready);
    const doc = await other.evaluate(() => window.playground.view.state.doc.toString());
    assert.equal(doc, await page.evaluate(() => window.playground.view.state.doc.toString()));
    await other.close();
  });

  it('shows a type error in the panel and in the editor', async () => {
    const outcome = await setSource(TYPE_ERROR);
    assert.equal(outcome.ok, false);
    await waitForText('#diagnostics', 'error[type-mismatch]');
    // The location, as `claw check` prints it: line 2, the column of `"hi"`.
    await waitForText('#diagnostics', /\.claw:2:18/);
    await page.waitForSelector('#source .cm-lintRange-error');
    assert.match(await page.locator('#status').textContent(), /1 error/);
  });

  it('runs exports: globals persist, print output, err results, traps', async () => {
    const outcome = await setSource(PROGRAMS);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(await page.locator('#diagnostics').textContent(), '');
    await clearOutput();

    await invoke('increment()');
    await waitForText('#output', /> increment\(\)\n1\n$/);
    await invoke('increment()');
    await waitForText('#output', /> increment\(\)\n2\n$/);

    await invoke('greet("wörld")');
    await waitForText('#output', 'hello, wörld\nsecond line\n');

    await invoke('half(8)');
    await waitForText('#output', /> half\(8\)\nok\(4\)\n$/);
    await invoke('half(7)');
    await waitForText('#output', /> half\(7\)\nerr\("odd"\)\n$/);

    await invoke('at(7)');
    await waitForText('#output', 'trap: index out of bounds');
    // After a trap, the next call gets a fresh instance.
    await invoke('at(1)');
    await waitForText('#output', /> at\(1\)\n2\n$/);
  });

  it('stops a call that never returns, and stays usable', async () => {
    await clearOutput();
    const started = Date.now();
    await invoke('spin()');
    await waitForText('#output', 'stopped: the call ran longer than 3 s', 20_000);
    const elapsed = Date.now() - started;
    // What it printed before it was stopped is shown.
    assert.match(await page.locator('#output').textContent(), /> spin\(\)\nspinning/);
    assert.ok(elapsed >= 2900, `stopped after ${elapsed} ms`);
    assert.equal(await page.locator('#run').isDisabled(), false);
    await invoke('factorial(5)');
    await waitForText('#output', /> factorial\(5\)\n120\n$/);
    // The editor still compiles.
    const outcome = await setSource(FACTORIAL);
    assert.equal(outcome.ok, true);
  });

  it('runs a command example picked from the list', async () => {
    await page.selectOption('#examples', 'hello.claw');
    // The world of the picked example is on show once it compiled.
    await waitForText('#wit', /export wasi:cli\/run@0\.2\.0;/);
    assert.match(page.url(), /example=hello\.claw/);
    await clearOutput();
    await invoke('wasi:cli/run@0.2.0#run()');
    await waitForText('#output', 'Hello, world!\nok\n');
  });

  it('reports a bad call without running anything', async () => {
    await clearOutput();
    await invoke('nope(1)');
    await waitForText('#output', /> nope\(1\)\nerror: .+/);
  });

  it('logged no errors to the console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
