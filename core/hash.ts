/**
 * Stable hashing of JSON-like values for cache keys: keys sorted, typed arrays hashed by content.
 * 64 bits from two independent 32-bit FNV-1a/murmur-mixed lanes; not cryptographic, and it need
 * not be: a collision would need two different param sets of the same block to meet.
 */

/** Deterministic JSON text of a value (object keys sorted; typed arrays as tagged lists). */
export function stableStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): string => {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'number' && !Number.isFinite(v)) return `"${String(v)}"`;
      if (v === undefined) return 'null';
      if (typeof v === 'bigint') return `"${v.toString()}n"`;
      return JSON.stringify(v);
    }
    if (seen.has(v)) throw new Error('stableStringify: circular value');
    seen.add(v);
    let out: string;
    if (ArrayBuffer.isView(v)) {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      out = `{"$typed":"${v.constructor.name}","hash":"${hashBytes(bytes)}","length":${bytes.length}}`;
    } else if (Array.isArray(v)) out = `[${v.map(walk).join(',')}]`;
    else {
      const o = v as Record<string, unknown>;
      out = `{${Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${walk(o[k])}`)
        .join(',')}}`;
    }
    seen.delete(v);
    return out;
  };
  return walk(value);
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex(h1: number, h2: number): string {
  return mix(h1).toString(16).padStart(8, '0') + mix(h2).toString(16).padStart(8, '0');
}

/** 64-bit hash (16 hex digits) of bytes. */
export function hashBytes(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ bytes.length;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995);
  }
  return hex(h1, h2);
}

/** 64-bit hash (16 hex digits) of a string's UTF-16 code units. */
export function hashString(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return hex(h1, h2);
}

/** Cache key of a JSON-like value. */
export function hashKey(value: unknown): string {
  return hashString(stableStringify(value));
}
