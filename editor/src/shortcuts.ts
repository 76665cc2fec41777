/**
 * Keyboard shortcuts of the editor page: the table the help panel shows and the one keydown
 * handler that maps keys onto the page's actions. The handler knows nothing of the page beyond
 * {@link ShortcutActions}, so the list and its behaviour stay in one place.
 */
import { html } from 'lit';

/** Key, what it does: the help panel's table. */
export const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ['Ctrl+Enter', 'Run the whole pipeline'],
  ['Shift+Ctrl+Enter', 'Run up to the selected node'],
  ['Esc', 'Stop the run / close panels'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Y, Shift+Ctrl+Z', 'Redo'],
  ['Ctrl+C / Ctrl+V', 'Copy / paste the selected nodes'],
  ['Ctrl+D', 'Duplicate the selected nodes'],
  ['Delete, Backspace', 'Delete the selected nodes'],
  ['Ctrl+A', 'Select every node'],
  ['Ctrl+click, Shift+drag', 'Add to the selection / box-select'],
  ['Ctrl+S', 'Save (download the pipeline JSON)'],
  ['Ctrl+O', 'Open a pipeline file'],
  ['F', 'Zoom to fit (never below a readable zoom)'],
  ['L', 'Auto-arrange (ELK)'],
  ['M', 'Show / hide the minimap'],
  ['?', 'This help'],
  ['Right click', 'Add a block (canvas) / node actions (node)'],
];

/** What the keys do; implemented by the page. */
export interface ShortcutActions {
  save(): void;
  open(): void;
  run(): void;
  runToSelected(): void;
  /** Esc: close the topmost thing (help, figure viewer), else stop a run, else dismiss problems. */
  escape(): void;
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  duplicate(): void;
  selectAll(): void;
  deleteSelected(): void;
  fit(): void;
  arrange(): void;
  toggleMinimap(): void;
  toggleHelp(): void;
}

function isTyping(t: HTMLElement | null): boolean {
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

/** Map one keydown onto an action (returns true when it was a shortcut). */
export function handleShortcut(e: KeyboardEvent, a: ShortcutActions): boolean {
  const t = e.target as HTMLElement | null;
  const typing = isTyping(t);
  const ctrl = e.ctrlKey || e.metaKey;
  const k = e.key.toLowerCase();
  const stop = (): true => {
    e.preventDefault();
    return true;
  };
  if (ctrl && k === 's') return (a.save(), stop());
  if (ctrl && k === 'o') return (a.open(), stop());
  if (ctrl && k === 'enter') return (e.shiftKey ? a.runToSelected() : a.run(), stop());
  if (k === 'escape') return (a.escape(), true);
  // Undo/redo stay graph-wide in the params panel: its edits are committed, so the native
  // text-field undo has nothing useful to do there.
  if (typing && ctrl && (k === 'z' || k === 'y') && t?.closest('cf-params')) t.blur();
  else if (typing) return false;
  if (ctrl && k === 'z' && !e.shiftKey) return (a.undo(), stop());
  if (ctrl && (k === 'y' || (k === 'z' && e.shiftKey))) return (a.redo(), stop());
  if (ctrl && k === 'c') return (a.copy(), true);
  if (ctrl && k === 'v') return (a.paste(), true);
  if (ctrl && k === 'd') return (a.duplicate(), stop());
  if (ctrl && k === 'a') return (a.selectAll(), stop());
  if (k === 'delete' || k === 'backspace') return (a.deleteSelected(), true);
  if (ctrl || e.altKey) return false;
  if (k === 'f') return (a.fit(), true);
  if (k === 'l') return (a.arrange(), true);
  if (k === 'm') return (a.toggleMinimap(), true);
  if (e.key === '?') return (a.toggleHelp(), true);
  return false;
}

/** The help overlay; `close` hides it. */
export function helpPanel(close: () => void) {
  return html`<div class="help" data-testid="help-panel" @click=${close}>
    <div class="help-card" @click=${(e: Event) => e.stopPropagation()}>
      <h2>Keyboard shortcuts</h2>
      <table>
        ${SHORTCUTS.map(
          ([k, d]) =>
            html`<tr>
              <td><kbd>${k}</kbd></td>
              <td>${d}</td>
            </tr>`,
        )}
      </table>
      <p>
        Drag blocks from the palette onto the canvas; drag from an output socket to an input socket to connect (only
        compatible inputs light up). Drop a pipeline file on the canvas to open it.
      </p>
      <button @click=${close}>Close</button>
    </div>
  </div>`;
}
