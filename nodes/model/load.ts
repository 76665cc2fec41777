/**
 * `model.load`: a saved network, either our own (`model.json` + `weights.bin`, as written by every
 * Model output) or a Keras 2 HDF5 file holding a SimpleRNN + Dense network (alpha = 1).
 *
 * `modelFromFiles` is the pure part (bytes in, Model out) the editor uses with files the user drops;
 * the block adds reading from disk in Node.
 */
import { defineBlock, schema, str } from '../../core/index.ts';
import { ModelPort, type Model } from '../ports/index.ts';
import { decodeModel } from './format.ts';
import { isHdf5, modelFromKerasH5 } from './keras.ts';
import {
  describeContent,
  fetchSafe,
  sourceOf,
  isUrl,
  pathKind,
  readFileSafe,
} from '../lib/files.ts';

/** One file handed to {@link modelFromFiles}. */
export interface ModelFile {
  /** File name (a path is fine; only the base name is matched against manifest paths). */
  name: string;
  bytes: Uint8Array;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] ?? p;
}

/**
 * Decode a model from in-memory files. The first file is the model: a Keras HDF5 file, or a
 * cortexflow `model.json` whose weights files (by manifest path) are among the other files.
 */
export async function modelFromFiles(files: ModelFile[]): Promise<{ model: Model; warnings: string[] }> {
  const main = files[0];
  if (main === undefined) throw new Error('no model file given');
  if (isHdf5(main.bytes)) return modelFromKerasH5(main.bytes, main.name);
  const text = new TextDecoder().decode(main.bytes.subarray(0, 64)).trimStart();
  if (!text.startsWith('{'))
    throw new Error(
      `${main.name} is neither a cortexflow model.json nor an HDF5 file (found ${describeContent(main.bytes)}); give the model.json of a saved model or a Keras .h5/.hdf5 file`,
    );
  const weights: Record<string, Uint8Array> = {};
  // Match a manifest path by the name given, or by its base name (the editor passes bare file names).
  for (const f of files.slice(1)) {
    weights[f.name] = f.bytes;
    weights[baseName(f.name)] ??= f.bytes;
  }
  return { model: decodeModel(new TextDecoder().decode(main.bytes), weights, main.name), warnings: [] };
}

/** Names of the weight files a model.json's manifest refers to (to read them before decoding). */
export function manifestPaths(jsonText: string): string[] {
  try {
    const doc = JSON.parse(jsonText) as { weightsManifest?: Array<{ paths?: unknown }> };
    return (doc.weightsManifest ?? []).flatMap((g) =>
      Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : [],
    );
  } catch {
    return [];
  }
}

/** Options of {@link loadModelFile} and {@link loadModelUrl}. */
export interface LoadModelOptions {
  /** Stops reading when it fires. */
  signal?: AbortSignal;
  /** Refuse files (each of them) larger than this; default {@link maxReadBytes}. */
  maxBytes?: number;
}

/**
 * Read a model from disk (Node only): `path` is a model.json, the folder holding one (a Model
 * output's artifact folder), or a Keras .h5/.hdf5 file. Relative paths resolve against the
 * working directory. Every file goes through {@link readFileSafe}: regular files only, a size limit
 * checked before reading, abortable, and no file contents in error messages.
 */
export async function loadModelFile(
  path: string,
  o: LoadModelOptions = {},
): Promise<{ model: Model; warnings: string[] }> {
  const nodePath = await import('node:path');
  const resolved = nodePath.resolve(path);
  const shown = resolved === path ? path : `"${path}" (${resolved})`;
  const read = (file: string, shownAs: string, what: string): Promise<Uint8Array> =>
    readFileSafe(file, {
      shown: shownAs,
      what,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
    });
  const kind = await pathKind(resolved);
  if (kind === 'missing')
    throw new Error(
      `no file at ${shown}; give the path of a model.json, of a folder holding one, or of a Keras .h5/.hdf5 file`,
    );
  let file = resolved;
  let fileShown = shown;
  if (kind === 'directory') {
    file = nodePath.join(resolved, 'model.json');
    fileShown = file;
    if ((await pathKind(file)) === 'missing')
      throw new Error(
        `the folder ${shown} holds no model.json; give a model.json, a folder holding one, or a Keras .h5/.hdf5 file`,
      );
  }
  const what = 'model.json or a Keras .h5/.hdf5 file';
  const bytes = await read(file, fileShown, what);
  if (/\.keras$/i.test(file) && !isHdf5(bytes))
    throw new Error(
      `${file} is a Keras 3 .keras archive, which cortexflow does not read; save the model in Keras 2 HDF5 form (model.save("net.h5"))`,
    );
  const files: ModelFile[] = [{ name: file, bytes }];
  if (!isHdf5(bytes) && looksLikeJson(bytes)) {
    const dir = nodePath.dirname(file);
    for (const p of manifestPaths(new TextDecoder().decode(bytes))) {
      const wp = nodePath.resolve(dir, p);
      if ((await pathKind(wp)) === 'missing')
        throw new Error(
          `${file} names the weights file "${p}", but there is no file at ${wp}; keep model.json and its weights.bin together`,
        );
      files.push({ name: p, bytes: await read(wp, wp, `weights file named in ${file}`) });
    }
  }
  return modelFromFiles(files);
}

function looksLikeJson(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('{');
}

export { isUrl };

/**
 * Read a model from a URL (Node and browser): a Keras HDF5 file, or a model.json whose weights
 * files are fetched relative to it. A `data:` URL can hold a Keras file (the editor uses it for a
 * file the user opened), or a model.json only when its weights come as other files, which a single
 * data: URL cannot carry. A direct call fetches what it is given (the caller chose the URL); the
 * `model.load` block refuses network URLs in Node unless allowed ({@link urlsAllowed}).
 */
export async function loadModelUrl(
  url: string,
  o: LoadModelOptions = {},
): Promise<{ model: Model; warnings: string[] }> {
  const u = url.trim();
  const shown = u.startsWith('data:') ? 'the data: URL' : u;
  const get = (target: string, shownAs: string): Promise<Uint8Array> =>
    fetchSafe(target, {
      platform: 'browser',
      shown: shownAs,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
    });
  const bytes = await get(u, shown);
  const files: ModelFile[] = [{ name: u.startsWith('data:') ? 'data-url' : u, bytes }];
  if (!isHdf5(bytes) && looksLikeJson(bytes)) {
    for (const p of manifestPaths(new TextDecoder().decode(bytes))) {
      if (u.startsWith('data:'))
        throw new Error(
          `a model.json in a data: URL cannot bring its weights file "${p}"; give a URL or path of the model.json next to its weights, or a Keras .h5 file`,
        );
      files.push({ name: p, bytes: await get(new URL(p, u).href, `weights file ${p} of ${u}`) });
    }
  }
  return modelFromFiles(files);
}

export const modelLoad = defineBlock({
  type: 'model.load',
  version: 1,
  title: 'Load model',
  category: 'Model',
  description:
    'Loads a saved network: a cortexflow model.json (with its weights.bin) or a Keras 2 HDF5 file holding a SimpleRNN + Dense ' +
    'network, as the authors (Jarne & Laje) published theirs. A Keras net runs with alpha = 1 and gives the outputs Keras gives ' +
    '(kernel, recurrent_kernel and the Dense kernel are transposed into W_in, W_rec and W_out).',
  inputs: {},
  outputs: { model: ModelPort },
  params: schema({
    path: str('', {
      description:
        'A model.json, the folder holding one (a Model output), or a Keras .h5/.hdf5 file, relative to the working directory; ' +
        'or an http(s):, data: or blob: URL (the only form in the browser; the command line fetches http(s) only with --allow-urls). ' +
        'Only regular files up to the read limit (1024 MiB, CORTEXFLOW_MAX_READ_MB) are read.',
    }),
  }),
  validate: (p) =>
    p.path.trim() === ''
      ? [
          {
            param: 'path',
            message: 'give the path of a model.json, of a folder holding one, or of a Keras .h5/.hdf5 file',
          },
        ]
      : [],
  run: async (ctx) => {
    const { params, env } = ctx;
    const url = sourceOf(params.path, env.platform, '(open the file from the node)') === 'url';
    let result;
    try {
      result = url
        ? await loadModelUrl(params.path, { signal: ctx.signal })
        : await loadModelFile(params.path, { signal: ctx.signal });
    } catch (e) {
      throw new Error(`path: ${(e as Error).message}`, { cause: e });
    }
    for (const w of result.warnings) ctx.warn(w);
    return { model: result.model };
  },
});
