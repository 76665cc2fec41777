/**
 * The pipeline document (format "cortexflow/pipeline", version 1): validation, migrations and
 * resolution against a registry. Every problem is reported with the JSON path it concerns and what
 * was expected; nothing here mutates the caller's document. The stages live in `document/`.
 */
import { condenseMissingBlocks } from './hints.ts';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { Registry } from './registry.ts';
import { blockChecks, cycleErrors, missingInputs } from './document/checks.ts';
import { connectEdges } from './document/edges.ts';
import { docError, type DocumentError } from './document/errors.ts';
import { readDocument } from './document/header.ts';
import { resolveNodes } from './document/nodes.ts';
import type { PipelineDocument } from './document/schema.ts';
import type { LoadOptions, LoadResult, ResolvedNode } from './document/types.ts';

export * from './document/schema.ts';
export * from './document/errors.ts';
export * from './document/types.ts';
export { documentMigrations, isRecord } from './document/header.ts';

/**
 * Parse JSON text; a syntax error becomes a DocumentError with the line and column. A leading UTF-8
 * byte order mark (editors on Windows write one) is ignored.
 */
export function parsePipelineText(text: string): { ok: true; value: unknown } | { ok: false; error: DocumentError } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (e) {
    // JSON.parse's messages vary by engine and often omit the position: locate it with a
    // tolerant parser that reports offsets.
    const errs: ParseError[] = [];
    parseTree(body, errs, { disallowComments: true, allowTrailingComma: false });
    let where = '';
    const first = errs[0];
    if (first) {
      const before = body.slice(0, first.offset);
      const line = before.split('\n').length;
      const col = first.offset - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col} (${printParseErrorCode(first.error)})`;
    }
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: docError('', `not valid JSON${where}: ${msg.slice(0, 300)}`, 'not-json') };
  }
}

/**
 * Validate, migrate and resolve a pipeline document against a registry, in stages: the document
 * (limits, version, schema), each node, the edges, the graph, each block's own checks. Never throws
 * for bad input: every problem is an entry in `errors`.
 */
export function loadPipeline(raw: unknown, registry: Registry, options: LoadOptions = {}): LoadResult {
  const warnings: string[] = [];
  // A missing plugin is said once, not once per unconnected input (hints.ts).
  const fail = (errors: DocumentError[]): LoadResult => ({ ok: false, errors: condenseMissingBlocks(errors, raw), warnings });
  const read = readDocument(raw, options, warnings);
  if (!read.ok) return fail(read.errors);
  const d = read.value;
  const errors: DocumentError[] = [];
  const resolved = resolveNodes(d, registry, errors, warnings);
  const byId = new Map(resolved.map((r) => [r.id, r]));
  const accepted = connectEdges(d, byId, errors);
  if (!options.allowIncomplete) errors.push(...missingInputs(resolved));
  errors.push(...cycleErrors(resolved, accepted));
  if (errors.length > 0) return fail(errors);
  errors.push(...blockChecks(resolved, byId));
  if (errors.length > 0) return fail(errors);
  const document: PipelineDocument = {
    ...d,
    nodes: d.nodes.map((n, i) => {
      const r = resolved[i] as ResolvedNode;
      return { ...n, version: r.block.version, params: r.params };
    }),
  };
  return { ok: true, pipeline: { name: d.name, document, nodes: resolved, byId, edges: d.edges }, warnings };
}
