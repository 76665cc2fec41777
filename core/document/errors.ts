/**
 * Validation errors of a pipeline document. Each carries the JSON path it concerns and, where there
 * is one, the node id, param and port it is about, so front ends never parse paths.
 */

/** What kind of problem a {@link DocumentError} is. */
export type DocumentErrorCode =
  | 'not-json'
  | 'format'
  | 'version'
  | 'schema'
  | 'limit'
  | 'node-id'
  | 'duplicate-id'
  | 'unknown-type'
  | 'block-version'
  | 'param'
  | 'dangling-edge'
  | 'unknown-port'
  | 'incompatible'
  | 'single-input'
  | 'missing-input'
  | 'cycle';

/** Which node, param and port an error is about (each only when there is one). */
export interface ErrorSubject {
  /** Node id (the id as written, only when it is a valid id). */
  node?: string;
  /** Param name, top-level key of the node's params. */
  param?: string;
  /** Port name (input or output). */
  port?: string;
}

/** One problem in a document. */
export interface DocumentError extends ErrorSubject {
  /** JSON path, e.g. `edges[3].to.port` ('' for the whole document). */
  path: string;
  message: string;
  code: DocumentErrorCode;
}

/**
 * Make an error. The subject fields are own but non-enumerable properties: the error's enumerable
 * shape stays `{ path, message, code }` (what callers compared and serialised before), while
 * `e.node` / `e.param` / `e.port` are there to read, and `toJSON` includes them for `--json` output.
 * Use {@link errorForWire} to send one through `postMessage`.
 */
export function docError(
  path: string,
  message: string,
  code: DocumentErrorCode,
  subject: ErrorSubject = {},
): DocumentError {
  const e = { path, message, code } as DocumentError;
  for (const k of ['node', 'param', 'port'] as const)
    if (subject[k] !== undefined) Object.defineProperty(e, k, { value: subject[k], enumerable: false });
  Object.defineProperty(e, 'toJSON', { value: () => errorForWire(e), enumerable: false });
  return e;
}

/** A plain, structured-cloneable copy of an error with its subject fields enumerable. */
export function errorForWire(e: DocumentError): DocumentError {
  return {
    path: e.path,
    message: e.message,
    code: e.code,
    ...(e.node !== undefined ? { node: e.node } : {}),
    ...(e.param !== undefined ? { param: e.param } : {}),
    ...(e.port !== undefined ? { port: e.port } : {}),
  };
}

/** Format document errors one per line: `edges[3].to.port: message`. */
export function formatErrors(errors: readonly DocumentError[]): string {
  return errors.map((e) => `${e.path || '(document)'}: ${e.message}`).join('\n');
}
