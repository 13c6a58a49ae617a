// Telling a trap from other failures, and its reason.

/** Whether `e`, thrown by a call into a component, is a trap rather than a host error. */
export function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError
    || (e instanceof RangeError && /call stack/i.test(e.message))
    || String(e?.stack ?? '').includes('claw:trap:');
}

/**
 * The reason of a trap. Claw traps by calling a function named `claw:trap:REASON`, so the
 * reason is in the stack (`at claw:trap:index out of bounds (wasm://…)`); otherwise the
 * message (`unreachable`, …).
 */
export function trapReason(e) {
  const stack = String(e?.stack ?? '');
  const at = stack.indexOf('claw:trap:');
  if (at >= 0) {
    const rest = stack.slice(at + 'claw:trap:'.length);
    const end = rest.search(/ \(|\n/);
    return (end < 0 ? rest : rest.slice(0, end)).trim();
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'call stack exhausted';
  return e?.message ?? String(e);
}
