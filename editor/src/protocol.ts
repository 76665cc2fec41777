/**
 * Messages between the page and the runtime worker. The worker runs the core runtime unchanged and
 * forwards its RunEvents, with output values reduced to what the page can show (figures, loss curves):
 * models and tensors stay in the worker.
 */
import type { PipelineDocument, RunEvent } from '../../core/index.ts';
import type { ArchiveFile, ArchiveManifest } from './run-archive.ts';
import type { UserPluginSource } from './user-plugins.ts';

export type ToWorker =
  | {
      type: 'run';
      runId: number;
      document: PipelineDocument;
      targets?: string[];
      /** Bundled plugins (package names) to install first. */
      plugins?: string[];
      /** The user's own plugin modules to install first. */
      userPlugins?: UserPluginSource[];
      /** Saved-as file name, recorded in the run manifest like the CLI's pipeline path. */
      file?: string;
    }
  | { type: 'stop'; runId: number }
  | { type: 'clear-cache' }
  /** The last run's files: every output (`port` omitted, with the manifest) or one output. */
  | { type: 'export'; requestId: number; node?: string; port?: string };

/** A value the page may display: figures (anything with an `svg`), and loss histories. */
export type Preview =
  | { kind: 'figure'; title: string; caption: string; svg: string }
  | { kind: 'history'; loss: number[]; steps: number[]; valLoss: number[] };

/** A RunEvent as sent to the page: `values` replaced by previews. */
export type WireEvent =
  | Exclude<RunEvent, { type: 'node-done' | 'node-cached' | 'node-error' }>
  | {
      type: 'node-done';
      data: Omit<Extract<RunEvent, { type: 'node-done' }>['data'], 'values'> & { previews: Record<string, Preview> };
    }
  | {
      type: 'node-cached';
      data: Omit<Extract<RunEvent, { type: 'node-cached' }>['data'], 'values'> & { previews: Record<string, Preview> };
    }
  | {
      type: 'node-error';
      data: Omit<Extract<RunEvent, { type: 'node-error' }>['data'], 'values'> & { previews?: Record<string, Preview> };
    };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'event'; runId: number; event: WireEvent }
  | { type: 'invalid'; runId: number; errors: Array<{ path: string; message: string }> }
  | { type: 'crashed'; runId: number; message: string }
  | { type: 'exported'; requestId: number; files: ArchiveFile[]; manifest?: ArchiveManifest; error?: string };

/** Reduce output values to previews. */
export function previewsOf(values: Record<string, unknown> | undefined): Record<string, Preview> {
  const out: Record<string, Preview> = {};
  if (!values) return out;
  for (const [port, v] of Object.entries(values)) {
    if (typeof v !== 'object' || v === null) continue;
    const r = v as Record<string, unknown>;
    if (typeof r['svg'] === 'string')
      out[port] = {
        kind: 'figure',
        title: typeof r['title'] === 'string' ? r['title'] : port,
        caption: typeof r['caption'] === 'string' ? r['caption'] : '',
        svg: r['svg'],
      };
    else if (Array.isArray(r['loss']) && Array.isArray(r['steps']))
      out[port] = {
        kind: 'history',
        loss: (r['loss'] as unknown[]).filter((x): x is number => typeof x === 'number'),
        steps: (r['steps'] as unknown[]).filter((x): x is number => typeof x === 'number'),
        valLoss: Array.isArray(r['valLoss'])
          ? (r['valLoss'] as unknown[]).filter((x): x is number => typeof x === 'number')
          : [],
      };
  }
  return out;
}
