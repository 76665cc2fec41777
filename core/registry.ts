/**
 * The block registry: block types by name. Nothing registers itself on import; call
 * `registerBuiltins(registry)` (from `nodes/`) or load a plugin explicitly.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { AnyBlock } from './block.ts';
import type { InputSpec, PortType } from './ports.ts';

/** Undo a registration. */
export type Disposer = () => void;

/** Thrown when a block type is not registered. */
export class UnknownBlockTypeError extends Error {
  override name = 'UnknownBlockTypeError';
  constructor(
    readonly blockType: string,
    readonly suggestion: string | undefined,
  ) {
    super(`unknown block type "${blockType}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
  }
}

/** Suggest the closest name, if it is close enough to be a likely typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  if (list.length === 0) return undefined;
  const best = closest(name, list);
  const d = distance(name, best);
  return d <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

export interface RegistryOptions {
  /** Where duplicate-registration warnings go (default: console.warn). */
  onWarning?: (message: string) => void;
  /**
   * How the front end owning this registry loads a plugin, ending a "this pipeline names plugins"
   * error (the CLI: its flag; the editor: its menu). Core itself names no flag or button.
   */
  pluginHint?: string;
}

/** Block types and port types by name. */
export class Registry {
  private readonly blocks = new Map<string, AnyBlock>();
  private readonly ports = new Map<string, PortType>();
  private readonly onWarning: (message: string) => void;
  /** See {@link RegistryOptions.pluginHint}. */
  readonly pluginHint: string;

  constructor(options: RegistryOptions = {}) {
    this.onWarning = options.onWarning ?? ((m) => console.warn(`cortexflow: ${m}`));
    this.pluginHint = options.pluginHint ?? 'load them first';
  }

  /**
   * Register a block (and its port types). A type already registered is replaced, with a warning.
   * Returns a disposer that removes this registration (restoring any block it replaced).
   */
  register(block: AnyBlock): Disposer {
    const previous = this.blocks.get(block.type);
    if (previous) this.onWarning(`block type "${block.type}" registered twice; the later definition wins`);
    this.blocks.set(block.type, block);
    const addedPorts: string[] = [];
    for (const p of [
      ...(Object.values(block.inputs) as InputSpec[]).map((i) => i.type),
      ...(Object.values(block.outputs) as PortType[]),
    ]) {
      if (!this.ports.has(p.name)) {
        this.ports.set(p.name, p);
        addedPorts.push(p.name);
      }
    }
    return () => {
      if (this.blocks.get(block.type) !== block) return;
      if (previous) this.blocks.set(block.type, previous);
      else this.blocks.delete(block.type);
      for (const n of addedPorts) if (!this.portStillUsed(n)) this.ports.delete(n);
    };
  }

  /** Register several blocks; the disposer removes them all. */
  registerAll(blocks: readonly AnyBlock[]): Disposer {
    const disposers = blocks.map((b) => this.register(b));
    return () => {
      for (const d of disposers.reverse()) d();
    };
  }

  private portStillUsed(name: string): boolean {
    for (const b of this.blocks.values()) {
      if ((Object.values(b.inputs) as InputSpec[]).some((i) => i.type.name === name)) return true;
      if ((Object.values(b.outputs) as PortType[]).some((p) => p.name === name)) return true;
    }
    return false;
  }

  /** The block of a type; throws {@link UnknownBlockTypeError} (with a suggestion) when missing. */
  get(type: string): AnyBlock {
    const b = this.blocks.get(type);
    if (!b) throw new UnknownBlockTypeError(type, didYouMean(type, this.blocks.keys()));
    return b;
  }

  has(type: string): boolean {
    return this.blocks.has(type);
  }

  /** Every registered block, sorted by category then type. */
  list(): AnyBlock[] {
    return [...this.blocks.values()].sort(
      (a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type),
    );
  }

  /** Blocks grouped by category, categories in sorted order. */
  byCategory(): Map<string, AnyBlock[]> {
    const m = new Map<string, AnyBlock[]>();
    for (const b of this.list()) {
      const arr = m.get(b.category) ?? [];
      arr.push(b);
      m.set(b.category, arr);
    }
    return m;
  }

  /** Every port type used by a registered block. */
  portTypes(): PortType[] {
    return [...this.ports.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  portType(name: string): PortType | undefined {
    return this.ports.get(name);
  }

  /** Block type names. */
  types(): string[] {
    return [...this.blocks.keys()].sort();
  }
}
