/**
 * The limits a pipeline document must respect, and the rule for node ids. Documented in
 * docs/pipeline-format.md ("Limits" and "Node ids"); every check here reports a JSON path so the
 * loader can refuse bad input as a validation error instead of crashing later (a stack overflow in a
 * recursive walk, a path that escapes the results folder, an object key that reaches a prototype).
 */

/** Deepest nesting of arrays/objects anywhere in a document (the document object itself is depth 1). */
export const MAX_DOCUMENT_DEPTH = 64;
/** Most nodes a pipeline may have. */
export const MAX_NODES = 10_000;
/** Most edges a pipeline may have. */
export const MAX_EDGES = 50_000;
/** Longest node id, in characters. */
export const MAX_NODE_ID_LENGTH = 64;
/** How much of a user-given string an error message echoes. */
export const MAX_ECHO_CHARS = 200;

/**
 * A node id: a letter, then letters, digits, `_` or `-`, at most 64 characters in all. Ids name the
 * node's results folder (`OUT/ID/`), its manifest entry and its cache entries, so they must be safe
 * as a path segment on every platform and as an object key.
 */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Ids refused although they match the pattern, compared case-insensitively: names of
 * `Object.prototype` members (they reach prototypes when used as keys) and the file names Windows
 * reserves (a folder named `con` or `nul` cannot be created there), plus `manifest`, kept for the
 * run's own files.
 */
const RESERVED_IDS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype).map((n) => n.toLowerCase()),
  'prototype',
  'manifest',
  'con',
  'prn',
  'aux',
  'nul',
  ...Array.from({ length: 9 }, (_, i) => `com${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `lpt${i + 1}`),
]);

/**
 * Echo user text in a message: JSON-quoted, cut to {@link MAX_ECHO_CHARS} characters, and numbers
 * that JSON cannot spell (`1e999` parses to Infinity) named as what they are instead of "null".
 */
export function echo(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : `${value > 0 ? '' : '-'}a number too large to represent (±1e308 at most)`;
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
  } catch {
    // Cyclic or too deep to stringify: name its kind.
    text = Array.isArray(value) ? 'an array' : typeof value;
  }
  if (text.length > MAX_ECHO_CHARS) text = `${text.slice(0, MAX_ECHO_CHARS)}… (${text.length} characters)`;
  return typeof value === 'string' ? JSON.stringify(text) : text;
}

/** Why `id` is not a valid node id, or undefined when it is. */
export function nodeIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'a node id must not be empty; use a short name such as "task" or "train"';
  if (!NODE_ID_PATTERN.test(id)) {
    const why =
      id.length > MAX_NODE_ID_LENGTH
        ? `it has ${id.length} characters (at most ${MAX_NODE_ID_LENGTH})`
        : /^[A-Za-z]/.test(id)
          ? 'it has characters other than letters, digits, _ and -'
          : 'it does not start with a letter';
      return `node id ${echo(id)} is not allowed: ${why}. A node id is a letter followed by letters, digits, _ or - (at most ${MAX_NODE_ID_LENGTH} characters), because it names the node's results folder`;
  }
  if (RESERVED_IDS.has(id.toLowerCase()))
    return `node id ${echo(id)} is reserved (it clashes with a file name or an object property); choose another`;
  return undefined;
}

/** Is `id` a valid node id? */
export function isNodeId(id: unknown): id is string {
  return typeof id === 'string' && nodeIdProblem(id) === undefined;
}

/**
 * The JSON path of the first place where `value` nests deeper than `maxDepth`, or undefined.
 * Iterative, so a hostile 10^5-deep document cannot overflow the stack while being checked.
 */
export function tooDeep(value: unknown, maxDepth = MAX_DOCUMENT_DEPTH, base = ''): string | undefined {
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 1, path: base }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: string };
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) return path;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: `${path}[${i}]` }));
    else
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return undefined;
}

/** Keys that must never be used to write into an object built from user text. */
export function isUnsafeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** `Object.hasOwn` for records whose keys come from user text (`'toString' in x` is true for `{}`). */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
