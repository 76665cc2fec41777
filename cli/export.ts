/**
 * `cortexflow export MODEL --to keras|safetensors|npz [-o FILE]`: a saved model (model.json, the
 * folder holding one, or a Keras .h5) written in a format Python loads (docs/python.md).
 */
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { loadModelFile } from '../nodes/model/load.ts';
import { EXPORT_EXTENSIONS, EXPORT_FORMATS, exportModel, type ExportFormat } from '../nodes/model/export.ts';

/** Options of {@link exportCommand}. */
export interface ExportOptions {
  to: string;
  out?: string;
  force?: boolean;
}

/** A problem with the command's arguments or input: exit code 2. */
export class ExportUsageError extends Error {
  override name = 'ExportUsageError';
}

/** Where the export goes by default: next to the model, `model.json` -> `model.h5`, `net.h5` -> `net.safetensors`. */
export function defaultExportPath(modelPath: string, format: ExportFormat, isFolder: boolean): string {
  const abs = resolve(modelPath);
  if (isFolder) return join(abs, `model${EXPORT_EXTENSIONS[format]}`);
  const stem = basename(abs, extname(abs));
  return join(dirname(abs), `${stem}${EXPORT_EXTENSIONS[format]}`);
}

/** Run the export; returns the exit code and writes what it did to `log`. */
export async function exportCommand(model: string, o: ExportOptions, log: (line: string) => void): Promise<number> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(o.to))
    throw new ExportUsageError(`--to "${o.to}": expected one of ${EXPORT_FORMATS.join(', ')}`);
  const format = o.to as ExportFormat;
  let loaded;
  try {
    loaded = await loadModelFile(model);
  } catch (e) {
    throw new ExportUsageError((e as Error).message);
  }
  for (const w of loaded.warnings) log(`warning: ${w}`);
  const { statSync } = await import('node:fs');
  const isFolder = statSync(resolve(model)).isDirectory();
  const out = resolve(o.out ?? defaultExportPath(model, format, isFolder));
  const source = isFolder ? join(resolve(model), 'model.json') : resolve(model);
  if (out === source) throw new ExportUsageError(`-o ${out} is the model itself; choose another file`);
  if (existsSync(out) && !o.force)
    throw new ExportUsageError(`${out} exists; give --force to replace it, or -o another file`);
  let exported;
  try {
    exported = await exportModel(loaded.model, format);
  } catch (e) {
    throw new ExportUsageError((e as Error).message);
  }
  for (const w of exported.warnings) log(`warning: ${w}`);
  const tmp = `${out}.tmp-${process.pid}`;
  await writeFile(tmp, exported.bytes);
  await rename(tmp, out);
  const m = loaded.model;
  log(
    `wrote ${out} (${format}, ${exported.bytes.length} bytes): N=${m.N}, ${m.inputSize} in, ${m.outputSize} out, alpha ${m.alpha}, ${m.activation}; load it in Python as docs/python.md shows`,
  );
  return 0;
}
