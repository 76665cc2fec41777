/**
 * The page side of the runtime worker: starts runs, stops them, and hands their events to a
 * listener. If a block ignores its AbortSignal, Stop falls back to terminating the worker (losing
 * its cache) so the page is never stuck with a run it cannot end.
 */
import type { DocumentError, PipelineDocument } from '../../core/index.ts';
import type { FromWorker, ToWorker, WireEvent } from './protocol.ts';
import type { ArchiveFile, ArchiveManifest } from './run-archive.ts';
import type { UserPluginSource } from './user-plugins.ts';

/** What a run is sent with besides its document. */
export interface RunOptions {
  targets?: string[] | undefined;
  plugins?: string[];
  userPlugins?: UserPluginSource[];
  /** File name recorded in the run manifest. */
  file?: string;
}

export interface RunnerListener {
  event(e: WireEvent): void;
  invalid(errors: DocumentError[]): void;
  crashed(message: string): void;
  /** The run ended (finished, stopped or crashed). */
  ended(): void;
}

const STOP_GRACE_MS = 3000;

export class Runner {
  private worker: Worker | undefined;
  private runId = 0;
  private active = false;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private requestId = 0;
  private readonly requests = new Map<number, (r: Extract<FromWorker, { type: 'exported' }>) => void>();
  backend = '';
  onBackend: ((b: string) => void) | undefined;

  constructor(private readonly listener: RunnerListener) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'cortexflow-runtime' });
    w.onmessage = (e: MessageEvent<FromWorker>) => this.handle(e.data);
    w.onerror = (e) => {
      // A worker that failed (to load, or later) is dropped; the next run starts a fresh one.
      w.terminate();
      if (this.worker === w) this.worker = undefined;
      if (this.active) {
        this.listener.crashed(`the runtime worker failed: ${e.message || 'unknown error'}`);
        this.finish();
      }
    };
    this.worker = w;
    return w;
  }

  /** Start the worker early (loads tfjs) so the first run does not wait for it. */
  warmUp(): void {
    this.ensure();
  }

  get running(): boolean {
    return this.active;
  }

  run(document: PipelineDocument, o: RunOptions = {}): void {
    if (this.active) this.stop();
    this.runId += 1;
    this.active = true;
    const msg: ToWorker = {
      type: 'run',
      runId: this.runId,
      document,
      plugins: o.plugins ?? [],
      userPlugins: o.userPlugins ?? [],
      ...(o.file ? { file: o.file } : {}),
      ...(o.targets ? { targets: o.targets } : {}),
    };
    this.ensure().postMessage(msg);
  }

  /**
   * The last run's files from the worker: one output's (`node` and `port`), or every output's with
   * the run manifest. Rejects with a readable message when there is nothing to export.
   */
  exportFiles(node?: string, port?: string): Promise<{ files: ArchiveFile[]; manifest?: ArchiveManifest }> {
    if (!this.worker) return Promise.reject(new Error('nothing has run yet: run the pipeline first'));
    const requestId = ++this.requestId;
    return new Promise((resolve, reject) => {
      this.requests.set(requestId, (r) => {
        if (r.error) reject(new Error(r.error));
        else resolve({ files: r.files, ...(r.manifest ? { manifest: r.manifest } : {}) });
      });
      this.worker?.postMessage({
        type: 'export',
        requestId,
        ...(node !== undefined && port !== undefined ? { node, port } : {}),
      } satisfies ToWorker);
    });
  }

  stop(): void {
    if (!this.active || !this.worker) return;
    const id = this.runId;
    this.worker.postMessage({ type: 'stop', runId: id } satisfies ToWorker);
    clearTimeout(this.stopTimer);
    this.stopTimer = setTimeout(() => {
      if (this.active && this.runId === id) {
        // The block did not honour its AbortSignal: end the worker.
        this.worker?.terminate();
        this.worker = undefined;
        this.listener.crashed('the run did not stop within 3 s; the runtime worker was restarted (its cache is lost)');
        this.finish();
      }
    }, STOP_GRACE_MS);
  }

  private finish(): void {
    clearTimeout(this.stopTimer);
    this.active = false;
    this.listener.ended();
  }

  private handle(msg: FromWorker): void {
    if (msg.type === 'ready') {
      this.backend = msg.backend;
      this.onBackend?.(msg.backend);
      return;
    }
    if (msg.type === 'exported') {
      this.requests.get(msg.requestId)?.(msg);
      this.requests.delete(msg.requestId);
      return;
    }
    if (msg.runId !== this.runId) return;
    if (msg.type === 'event') {
      this.listener.event(msg.event);
      if (msg.event.type === 'run-finished') this.finish();
    } else if (msg.type === 'invalid') {
      this.listener.invalid(msg.errors);
      this.finish();
    } else {
      this.listener.crashed(msg.message);
      this.finish();
    }
  }
}
