/**
 * `manifest.json` of a run folder (`cortexflow/run-manifest` v1): the one description of it, written
 * by the CLI (cli/artifacts.ts) and by the editor's run download (editor/src/run-archive.ts), which
 * must produce the same document for the same run.
 */
import type { NodeStatus } from './run-state.ts';

/** The manifest's `format` field. */
export const RUN_MANIFEST_FORMAT = 'cortexflow/run-manifest';

/** One output port of a node in the manifest. */
export interface ManifestOutput {
  type: string;
  summary: string;
  files: string[];
  /**
   * Files left out: over the run's size limit (an output is written whole or not at all), or not
   * selected; each with the command that writes it.
   */
  skipped?: ManifestSkip[];
  /**
   * Files whose content other runs may share (datasets), with their SHA-256. With a store (a
   * sweep's `SWEEP/store/`), `object` is the stored copy, relative to the run folder: the run's
   * file is a hard link to it, so the bytes are on disk once however many runs hold them.
   */
  stored?: ManifestStored[];
  /** Headline numbers of the value (see PortType.numbers). */
  numbers?: Record<string, number>;
}

/** A file left out of a run folder, why, and how to get it. */
export interface ManifestSkip {
  file: string;
  bytes: number;
  reason: string;
  /** The command that writes it (CLI runs). */
  command?: string;
}

/** A file kept once per content (see {@link ManifestOutput.stored}). */
export interface ManifestStored {
  file: string;
  sha256: string;
  object?: string;
}

/** One node of the run in the manifest. */
export interface ManifestNode {
  type: string;
  status: NodeStatus;
  cached: boolean;
  /** Content key (type, version, params, upstream keys): what a resumed run matches on. */
  key?: string;
  durationMs?: number;
  error?: string;
  reason?: string;
  warnings: string[];
  outputs: Record<string, ManifestOutput>;
  /** Last metrics the node reported (final loss, ...). */
  metrics?: Record<string, number>;
}

/** The command line a run was started with, as a resumed run needs it. */
export interface RunCommand {
  file: string;
  sets: string[];
  plugins: string[];
  targets: string[];
  /** `--artifacts` as given, when given. */
  artifacts?: string;
  /** The content-addressed store the run wrote shared files through (`--store`). */
  store?: string;
}

/** The whole manifest. */
export interface RunManifest {
  format: typeof RUN_MANIFEST_FORMAT;
  version: 1;
  pipeline: string;
  file: string;
  /**
   * "running" while the run is alive; a manifest still "running" whose `pid` no longer runs is a run
   * that was killed (the CLI's `run --resume DIR` continues it).
   */
  status: 'running' | 'done' | 'failed' | 'cancelled';
  /** Process id and host of the run that wrote this manifest (CLI runs). */
  pid?: number;
  host?: string;
  startedAt: string;
  /** When resumed: the startedAt of the run it continued. */
  resumedFrom?: string;
  finishedAt?: string;
  durationMs?: number;
  overrides: string[];
  plugins: string[];
  command?: RunCommand;
  nodes: Record<string, ManifestNode>;
}

/** `bytes` as the manifest words sizes ("0.500 MB", "149.8 MB"). */
export function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1)} MB`;
}

/**
 * The manifest entries of an output's files when together they are over the size limit `maxBytes`
 * (0 = no limit), or undefined when the output is written. An output is written whole or not at
 * all, so no documented file is ever half there. `limitName` is how the front end names the limit
 * (the CLI's flag).
 */
export function skippedOutput(
  files: ReadonlyArray<{ file: string; bytes: number }>,
  maxBytes: number,
  limitName: string,
): ManifestSkip[] | undefined {
  const total = files.reduce((a, f) => a + f.bytes, 0);
  if (maxBytes <= 0 || total <= maxBytes) return undefined;
  const together = files.length > 1 ? ` (this output's ${files.length} files together)` : '';
  return files.map((f) => ({
    file: f.file,
    bytes: f.bytes,
    reason: `${megabytes(total)}${together} is over the ${megabytes(maxBytes)} limit (${limitName}); the pipeline regenerates it`,
  }));
}
