/**
 * The open pipeline document as a file: its name and description, opening (text or value, checked
 * by the core before anything on the canvas changes), saving (download), and autosave to
 * localStorage with restore on the next visit. The canvas holds the graph; this store turns it into
 * the document and back.
 */
import {
  formatErrors,
  loadPipeline,
  parsePipelineText,
  type DocumentError,
  type PipelineDocument,
  type Registry,
  type ResolvedPipeline,
} from '../../core/index.ts';
import type { Canvas } from './canvas.ts';
import { slug } from '../../core/index.ts';
import { downloadBlob } from './download.ts';
import type { Example } from './examples.ts';
import { BLOCK_MIME } from './palette.ts';

import { AUTOSAVE_KEY, REFUSED_AUTOSAVE_KEY } from './autosave-keys.ts';

export { AUTOSAVE_KEY, REFUSED_AUTOSAVE_KEY } from './autosave-keys.ts';

/** What the store needs from the page. */
export interface DocumentHost {
  readonly registry: Registry;
  canvas(): Canvas;
  /** The plugins (package names or URLs) the document's blocks come from. */
  pluginsFor(doc: PipelineDocument): string[];
  /** A document could not be opened; nothing changed. */
  refused(title: string, lines: string[]): void;
  /** A new document is about to replace the graph (stop runs, clear problems). */
  opening(pipeline: ResolvedPipeline): void;
  /** The new document is on the canvas; `source` says where it came from (a file, an example, a link). */
  opened(source: string): void;
  flash(message: string): void;
}

/** Local storage when the browser allows it (private modes and sandboxed frames may not). */
export function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export class DocumentStore {
  name = 'Untitled pipeline';
  description: string | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: DocumentHost) {}

  /** The pipeline document of what is on the canvas, with the plugins its blocks need. */
  document(): PipelineDocument {
    const doc = this.host.canvas().document({ name: this.name, description: this.description });
    const plugins = this.host.pluginsFor(doc);
    return plugins.length ? { ...doc, plugins } : doc;
  }

  /** Open a pipeline from text; on any problem report it and leave the graph untouched. */
  async openText(text: string, source: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    const parsed = parsePipelineText(text);
    if (!parsed.ok) {
      if (!options.quiet) this.refuse(source, [parsed.error]);
      return false;
    }
    return this.openValue(parsed.value, source, options);
  }

  async openValue(value: unknown, source: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    const loaded = loadPipeline(value, this.host.registry, { allowIncomplete: true });
    if (!loaded.ok) {
      if (!options.quiet) this.refuse(source, loaded.errors);
      return false;
    }
    this.host.opening(loaded.pipeline);
    this.name = loaded.pipeline.name;
    this.description = loaded.pipeline.document.description;
    await this.host.canvas().load(loaded.pipeline);
    if (this.host.canvas().relaidOut)
      this.host.flash('The saved positions made nodes overlap: laid out by depth instead');
    await this.host.canvas().zoomToFit();
    // Checks and autosave after the graph is on screen.
    setTimeout(() => {
      this.host.opened(source);
      this.autosaveNow();
    }, 0);
    return true;
  }

  async openFile(file: File): Promise<boolean> {
    return this.openText(await file.text(), `"${file.name}"`);
  }

  /** An empty pipeline. */
  async newPipeline(): Promise<void> {
    await this.openValue(
      { format: 'cortexflow/pipeline', version: 1, name: 'Untitled pipeline', nodes: [], edges: [] },
      'a new pipeline',
    );
  }

  /** Download the document as JSON. */
  save(): void {
    const blob = new Blob([`${JSON.stringify(this.document(), null, 2)}\n`], { type: 'application/json' });
    downloadBlob(`${slug(this.name, Infinity)}.json`, blob);
  }

  /** Autosave shortly (coalesces bursts of edits and drags). */
  autosaveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.autosaveNow(), 250);
  }

  autosaveNow(): void {
    clearTimeout(this.saveTimer);
    try {
      safeLocalStorage()?.setItem(AUTOSAVE_KEY, JSON.stringify(this.document()));
    } catch {
      // Storage full or disabled: autosave is a comfort, not a requirement.
    }
  }

  /** The autosaved document of the last visit, if any. */
  autosaved(): string | undefined {
    return safeLocalStorage()?.getItem(AUTOSAVE_KEY) ?? undefined;
  }

  /**
   * The graph of the last visit (autosaved), else on a first visit the first of `examples` that
   * opens with the blocks at hand (built-ins before plugins). A refused autosave stays on screen
   * with its reasons: no example is opened over it.
   */
  async restore(examples: readonly Example[]): Promise<void> {
    const restored = await this.restoreAutosave();
    if (restored === 'restored') this.host.flash('Restored the autosaved graph');
    if (restored !== 'none') return;
    const order = [...examples].sort(
      (a, b) => Number(a.file.startsWith('plugin')) - Number(b.file.startsWith('plugin')),
    );
    for (const ex of order) if (await this.openValue(ex.document, `example ${ex.file}`, { quiet: true })) return;
  }

  /**
   * Reopen the last visit's autosave. One that cannot be opened (beyond the documented limits, a
   * block whose plugin is gone, a hand edit) is reported like any refused file and copied to
   * {@link REFUSED_AUTOSAVE_KEY}: the caller must not open anything over it silently, since the next
   * autosave would then destroy the user's last graph.
   */
  async restoreAutosave(): Promise<'restored' | 'none' | 'refused'> {
    const saved = this.autosaved();
    if (saved === undefined) return 'none';
    if (await this.openText(saved, 'the autosaved graph', { quiet: true })) return 'restored';
    let kept = false;
    try {
      safeLocalStorage()?.setItem(REFUSED_AUTOSAVE_KEY, saved);
      kept = true;
    } catch {
      // Storage full: it is still under AUTOSAVE_KEY until something is autosaved.
    }
    // The same checks again for the message (openText stays the one path every source takes).
    const parsed = parsePipelineText(saved);
    const loaded = parsed.ok ? loadPipeline(parsed.value, this.host.registry, { allowIncomplete: true }) : undefined;
    const errors = !parsed.ok ? [parsed.error] : loaded && !loaded.ok ? loaded.errors : [];
    this.host.refused('Could not open the autosaved graph of your last visit; it was kept, not replaced', [
      ...formatErrors(errors).split('\n'),
      kept
        ? `The autosaved document is kept in this browser's storage (localStorage "${REFUSED_AUTOSAVE_KEY}"); open a file, an example or New to go on`
        : "The autosaved document stays in this browser's storage until the next change is autosaved",
    ]);
    return 'refused';
  }

  private refuse(source: string, errors: readonly DocumentError[]): void {
    this.host.refused(`Could not open ${source}; the graph was left unchanged`, formatErrors(errors).split('\n'));
  }
}

/** Drops on the canvas: a palette block (added where dropped) or a pipeline file (opened). */
export function installDrop(
  host: HTMLElement,
  on: { block(type: string, e: DragEvent): void; file(f: File): void },
): void {
  host.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  host.addEventListener('drop', (e) => {
    e.preventDefault();
    const dt = e.dataTransfer;
    if (!dt) return;
    const type = dt.getData(BLOCK_MIME);
    if (type) return on.block(type, e);
    const file = dt.files[0];
    if (file) on.file(file);
  });
}
