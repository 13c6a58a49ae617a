// What the Node tests share: the native `claw` binary they compare the playground with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** ../target/debug/claw (`CLAW=…` to choose another), built first if it is missing. */
export function claw() {
  const binary = process.env.CLAW ?? path.join(repo, 'target/debug/claw');
  if (!existsSync(binary)) {
    const built = spawnSync('cargo', ['build', '-q', '-p', 'claw-cli'], { cwd: repo, stdio: 'inherit' });
    assert.equal(built.status, 0, 'cargo build -p claw-cli failed');
  }
  return binary;
}
