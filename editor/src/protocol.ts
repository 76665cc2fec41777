/**
 * Messages between the page and the runtime worker. The worker runs the core runtime unchanged and
 * forwards its RunEvents, with output values reduced to what the page can show (figures, loss curves):
 * models and tensors stay in the worker.
 */
import type { DocumentError, PipelineDocument, PortPreview, PortType, RunEvent } from '../../core/index.ts';
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

/** A value the page may display: what the output's port type offers as its `preview`. */
export type Preview = PortPreview;

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
  | { type: 'invalid'; runId: number; errors: DocumentError[] }
  | { type: 'crashed'; runId: number; message: string }
  | { type: 'exported'; requestId: number; files: ArchiveFile[]; manifest?: ArchiveManifest; error?: string };

/** Reduce output values to previews, through each output port type's `preview` hook. */
export function previewsOf(
  ports: Readonly<Record<string, PortType>>,
  values: Record<string, unknown> | undefined,
): Record<string, Preview> {
  const out: Record<string, Preview> = {};
  if (!values) return out;
  for (const [port, v] of Object.entries(values)) {
    const pt = Object.prototype.hasOwnProperty.call(ports, port) ? ports[port] : undefined;
    let p: Preview | undefined;
    try {
      p = pt?.preview?.(v);
    } catch {
      // A preview is a convenience: a port type that cannot make one shows the summary only.
      p = undefined;
    }
    if (p) out[port] = p;
  }
  return out;
}
