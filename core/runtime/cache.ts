/** The output cache of the runtime: node outputs keyed by the node's content hash. */

/** A node's cached outputs. */
export interface CacheEntry {
  values: Record<string, unknown>;
}

/** Output cache keyed by node hash. A plain LRU over entries. */
export class RunCache {
  private readonly entries = new Map<string, CacheEntry>();
  constructor(readonly maxEntries = 256) {}
  get(key: string): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }
  set(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
  get size(): number {
    return this.entries.size;
  }
  clear(): void {
    this.entries.clear();
  }
}
