/**
 * `--artifacts SPEC`: which outputs a run writes to its folder. SPEC is a comma-separated list read
 * left to right:
 *
 * - `default` (the default): every output, except one whose files together are over
 *   `--max-artifact-mb`; `all`: every output, whatever its size; `none`: no output files (the
 *   manifest still lists every output, its summary, numbers and the files it would have written);
 * - `NODE` or `NODE.PORT`: also write that node's outputs (or that one output), whatever their size;
 * - `-NODE` or `-NODE.PORT`: do not write them.
 *
 * A list starting with `NODE`/`NODE.PORT` means only those (`--artifacts mux.dataset`); starting
 * with `-...`, the default minus those (`--artifacts -sim0`).
 */

import { skippedOutput, type ManifestSkip } from '../core/index.ts';

/** A parsed `--artifacts` value. */
export interface ArtifactSelection {
  /** The value as given (quoted back in messages and commands). */
  spec: string;
  base: 'default' | 'all' | 'none';
  add: string[];
  remove: string[];
}

/** What to do with one output. `capped`: write it unless over the size limit. */
export type ArtifactDecision = 'always' | 'capped' | 'no';

const BASES = ['default', 'all', 'none'] as const;
const SELECTOR = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Parse SPEC; throws an Error whose message names the bad part. */
export function parseArtifacts(spec: string): ArtifactSelection {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.some((p) => p === ''))
    throw new Error(`--artifacts "${spec}": empty item; expected e.g. default, all, none, mux.dataset or -sim0`);
  const first = parts[0] as string;
  const sel: ArtifactSelection = {
    spec,
    base: (BASES as readonly string[]).includes(first) ? (first as ArtifactSelection['base']) : first.startsWith('-') ? 'default' : 'none',
    add: [],
    remove: [],
  };
  for (const [i, p] of parts.entries()) {
    if ((BASES as readonly string[]).includes(p)) {
      if (i !== 0) throw new Error(`--artifacts "${spec}": "${p}" can only come first`);
      continue;
    }
    const negative = p.startsWith('-');
    const name = negative ? p.slice(1) : p;
    if (!SELECTOR.test(name))
      throw new Error(`--artifacts "${spec}": "${p}" is not NODE, NODE.PORT, -NODE or -NODE.PORT`);
    (negative ? sel.remove : sel.add).push(name);
  }
  return sel;
}

function matches(selector: string, node: string, port: string): boolean {
  return selector === node || selector === `${node}.${port}`;
}

/** Decide for the output `node.port` (the last matching item wins). */
export function decide(sel: ArtifactSelection, node: string, port: string): ArtifactDecision {
  let d: ArtifactDecision = sel.base === 'all' ? 'always' : sel.base === 'default' ? 'capped' : 'no';
  for (const s of sel.add) if (matches(s, node, port)) d = 'always';
  for (const s of sel.remove) if (matches(s, node, port)) d = 'no';
  return d;
}

/**
 * The files of output `node.port` left out, and why: not selected, or (when the selection caps it)
 * together over `maxBytes` (0 = no limit); undefined when the output is written.
 */
export function leftOutFiles(
  sel: ArtifactSelection | undefined,
  maxBytes: number,
  node: string,
  port: string,
  files: ReadonlyArray<{ file: string; bytes: number }>,
): { why: 'selection' | 'limit'; skips: ManifestSkip[] } | undefined {
  if (files.length === 0) return undefined;
  const choice = sel ? decide(sel, node, port) : 'capped';
  if (choice === 'always') return undefined;
  if (choice === 'no')
    return { why: 'selection', skips: files.map((f) => ({ ...f, reason: `not selected by --artifacts ${sel?.spec ?? ''}` })) };
  const skips = skippedOutput(files, maxBytes, '--max-artifact-mb');
  return skips ? { why: 'limit', skips } : undefined;
}

/**
 * Check the NODE/NODE.PORT items against the pipeline (node id -> its output port names); the
 * message lists the outputs there are.
 */
export function checkArtifacts(sel: ArtifactSelection, outputs: ReadonlyMap<string, readonly string[]>): string | undefined {
  for (const s of [...sel.add, ...sel.remove]) {
    if (outputs.has(s)) continue;
    const dot = s.lastIndexOf('.');
    const node = dot > 0 ? s.slice(0, dot) : s;
    const ports = outputs.get(node);
    if (ports?.includes(s.slice(dot + 1))) continue;
    const all = [...outputs].flatMap(([n, ps]) => ps.map((p) => `${n}.${p}`));
    return ports
      ? `--artifacts "${sel.spec}": node "${node}" has no output "${s.slice(dot + 1)}" (it has ${ports.join(', ') || 'none'})`
      : `--artifacts "${sel.spec}": no node "${node}" (outputs: ${all.join(', ')})`;
  }
  return undefined;
}

/** Quote a word for a POSIX shell when it needs it. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
