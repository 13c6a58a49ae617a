// The JSON form of jco values that the compiler component (`parse-call`, `print-result`)
// reads and writes. JSON has no BigInt, NaN, infinities, -0 or typed arrays, so those are
// tagged objects:
//   {"$bigint": "123"}                       a BigInt (u64/s64)
//   {"$float": "nan" | "inf" | "-inf" | "-0"} a number JSON cannot write
//   {"$typed": "Uint8Array", "items": [...]}  a typed array (list<u8>, list<s32>, …)

const TYPED = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

const FLOATS = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };

function isTag(value, key) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    && Object.prototype.hasOwnProperty.call(value, key);
}

/** Turns one already-parsed JSON value into the JS value jco expects. */
export function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== 'object') return value;
  if (isTag(value, '$bigint')) return BigInt(value.$bigint);
  if (isTag(value, '$float')) {
    const f = FLOATS[value.$float];
    if (f === undefined) throw new Error(`unknown $float: ${value.$float}`);
    return f;
  }
  if (isTag(value, '$typed')) {
    const Ctor = TYPED[value.$typed];
    if (!Ctor) throw new Error(`unknown $typed: ${value.$typed}`);
    const big = Ctor === BigInt64Array || Ctor === BigUint64Array;
    const items = (value.items ?? []).map((item) => {
      if (big) return BigInt(isTag(item, '$bigint') ? item.$bigint : item);
      return revive(item);
    });
    return Ctor.from(items);
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = revive(v);
  return out;
}

/** Parses the JSON of a `js-call`'s `args` (or any value) into JS values. */
export function parseValue(json) {
  return revive(JSON.parse(json));
}

/** The JSON-ready form of a JS value jco returned. */
export function dump(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $float: 'nan' };
    if (value === Infinity) return { $float: 'inf' };
    if (value === -Infinity) return { $float: '-inf' };
    if (Object.is(value, -0)) return { $float: '-0' };
    return value;
  }
  if (typeof value !== 'object') return value; // string, boolean
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value, dump);
  }
  if (Array.isArray(value)) return value.map(dump);
  if (value instanceof Map) return Array.from(value, ([k, v]) => [dump(k), dump(v)]);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = dump(v);
  return out;
}

/** `dump` as a JSON string. */
export function dumpJson(value) {
  return JSON.stringify(dump(value));
}
