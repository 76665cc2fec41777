/**
 * Loader stage 1: the document as a whole. Shape, size and nesting limits come first, before anything
 * walks the document recursively (structuredClone, the schema check), so hostile input is refused
 * with a path instead of overflowing the stack.
 */
import { checkValue } from '../schema.ts';
import { echo, MAX_DOCUMENT_DEPTH, MAX_EDGES, MAX_NODES, tooDeep } from '../limits.ts';
import { docError, type DocumentError } from './errors.ts';
import { DocumentSchema, PIPELINE_FORMAT, PIPELINE_VERSION, type PipelineDocument } from './schema.ts';
import type { DocumentMigration, LoadOptions } from './types.ts';

/**
 * Document migrations: `documentMigrations[v]` turns a version-v document into version v+1.
 * Version 1 is the first published format, so the table is empty; it exists so that the next format
 * change adds one entry here and old files keep loading.
 */
export const documentMigrations: Record<number, DocumentMigration> = {};

/** Is `v` a plain (non-array) object? */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Stage<T> = { ok: true; value: T } | { ok: false; errors: DocumentError[] };

/** Refuse documents deeper or larger than the documented limits. */
export function checkLimits(raw: Record<string, unknown>): DocumentError[] {
  const deep = tooDeep(raw);
  if (deep !== undefined)
    return [
      docError(
        deep,
        `nested more than ${MAX_DOCUMENT_DEPTH} levels deep; a pipeline document nests at most ${MAX_DOCUMENT_DEPTH} levels`,
        'limit',
      ),
    ];
  const errors: DocumentError[] = [];
  for (const [key, max] of [
    ['nodes', MAX_NODES],
    ['edges', MAX_EDGES],
  ] as const) {
    const list = raw[key];
    if (Array.isArray(list) && list.length > max)
      errors.push(docError(key, `${list.length} ${key}; a pipeline has at most ${max} ${key}`, 'limit'));
  }
  return errors;
}

function migrate(
  raw: Record<string, unknown>,
  options: LoadOptions,
  warnings: string[],
): Stage<Record<string, unknown>> {
  const current = options.currentVersion ?? PIPELINE_VERSION;
  const migrations = options.migrations ?? documentMigrations;
  let doc: Record<string, unknown> = structuredClone(raw);
  const version = doc['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, errors: [docError('version', `expected an integer >= 1, got ${echo(version)}`, 'version')] };
  if (version > current)
    return {
      ok: false,
      errors: [
        docError(
          'version',
          `document version ${version} is newer than this cortexflow understands (${current}); upgrade cortexflow`,
          'version',
        ),
      ],
    };
  for (let v = version; v < current; v++) {
    const m = migrations[v];
    if (!m) return { ok: false, errors: [docError('version', `no migration from document version ${v} to ${v + 1}`, 'version')] };
    doc = m(doc);
    doc['version'] = v + 1;
    warnings.push(`document migrated from version ${v} to ${v + 1}`);
  }
  return { ok: true, value: doc };
}

/** Stage 1: format, limits, version and migrations, then the document schema. */
export function readDocument(raw: unknown, options: LoadOptions, warnings: string[]): Stage<PipelineDocument> {
  if (!isRecord(raw))
    return { ok: false, errors: [docError('', 'a pipeline document must be a JSON object', 'format')] };
  if (raw['format'] !== PIPELINE_FORMAT)
    return {
      ok: false,
      errors: [docError('format', `expected "${PIPELINE_FORMAT}", got ${echo(raw['format'])}`, 'format')],
    };
  const limits = checkLimits(raw);
  if (limits.length > 0) return { ok: false, errors: limits };
  const migrated = migrate(raw, options, warnings);
  if (!migrated.ok) return migrated;
  const errors = checkValue(DocumentSchema, migrated.value).map((issue) =>
    docError(issue.path, issue.message.replace(/^unknown param/, 'unknown field'), 'schema'),
  );
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: migrated.value as unknown as PipelineDocument };
}
