/**
 * The example pipelines shipped in `examples/` (bundled at build time), for the examples menu and
 * the first visit.
 */
export interface Example {
  file: string;
  name: string;
  document: unknown;
}

const files = import.meta.glob('../../examples/*.json', { eager: true, import: 'default' });

export function examples(): Example[] {
  return Object.entries(files)
    .map(([path, doc]) => {
      const file = path.split('/').pop() ?? path;
      const name =
        typeof doc === 'object' && doc !== null && typeof (doc as Record<string, unknown>)['name'] === 'string'
          ? ((doc as Record<string, unknown>)['name'] as string)
          : file;
      return { file, name, document: doc };
    })
    .filter(
      (e) =>
        typeof e.document === 'object' &&
        e.document !== null &&
        (e.document as Record<string, unknown>)['format'] === 'cortexflow/pipeline',
    )
    .sort((a, b) => a.file.localeCompare(b.file));
}
