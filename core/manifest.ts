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
  /** Files not written because they exceed the run's size limit. */
  skipped?: ManifestSkip[];
  /** Headline numbers of the value (see PortType.numbers). */
  numbers?: Record<string, number>;
}

/** A file left out of a run folder, and why. */
export interface ManifestSkip {
  file: string;
  bytes: number;
  reason: string;
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
 * The manifest entry of a file over the size limit `maxBytes` (0 = no limit), or undefined when it
 * is written. `limitName` is how the front end names the limit (the CLI's flag).
 */
export function skippedFile(file: string, bytes: number, maxBytes: number, limitName: string): ManifestSkip | undefined {
  if (maxBytes <= 0 || bytes <= maxBytes) return undefined;
  return {
    file,
    bytes,
    reason: `${megabytes(bytes)} is over the ${megabytes(maxBytes)} limit (${limitName}); the pipeline regenerates it`,
  };
}
