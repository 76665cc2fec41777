/**
 * `dataset.load`: a user's own trials as a `Dataset`, the port type every task block produces, so
 * they go wherever a task's dataset goes (model.ctrnn, train.ctrnn, sim.run, context.mux, plots).
 *
 * Sources: a NumPy `.npz` (np.savez), a folder of `.npy` files (`inputs.npy`, `targets.npy`, ...: the
 * layout a Dataset output is written in, so our own datasets load back with their labels), or a
 * MATLAB v7.3 `.mat` file (`save(f, '-v7.3')`, which is HDF5: read with h5wasm). Every file goes
 * through the safe reader (regular files, size limit, abortable, no contents in messages).
 */
import { defineBlock, int, num, schema, str } from '../../core/index.ts';
import { DatasetPort, type ConditionLabel, type Dataset } from '../ports/index.ts';
import {
  describeContent,
  fetchSafe,
  sourceOf,
  pathKind,
  readFileSafe,
  type ReadOptions,
} from '../lib/files.ts';
import { ArrayFormatError, readNpy, type UserArray } from '../lib/npy-read.ts';
import { isHdf5 } from '../model/keras.ts';

/** Names of the arrays to take from the file. */
export interface ArrayNames {
  inputs: string;
  targets: string;
  mask: string;
  conditions: string;
}

/** Options of {@link loadTrials}. */
export interface LoadTrialsOptions extends ArrayNames {
  /** Task name recorded on every trial (and in `tasks`). */
  task: string;
  testCount: number;
  dt: number;
  signal?: AbortSignal;
  maxBytes?: number;
}

/** Arrays by name, read lazily (a file's other arrays are never decoded). */
type ArraySource = {
  /** What the source is, for messages ("trials.npz"). */
  where: string;
  names: string[];
  get: (name: string) => Promise<UserArray | undefined>;
  /** The cortexflow dataset meta.json, for a folder we wrote. */
  meta?: Record<string, unknown>;
  /** The probe's source, for a folder we wrote (probe/). */
  probe?: ArraySource;
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MAT5 = 'MATLAB 5.0 MAT-file';
/** Names the .mat copies in h5wasm's in-memory file system (one per file being read). */
let matCounter = 0;

async function npzSource(bytes: Uint8Array, where: string): Promise<ArraySource> {
  const { unzipSync } = await import('fflate');
  let entries: Record<string, Uint8Array>;
  try {
    // Only the .npy members (and the meta.json of a run's dataset.npz) are decompressed.
    entries = unzipSync(bytes, { filter: (f) => f.name.endsWith('.npy') || f.name.endsWith('meta.json') });
  } catch {
    throw new Error(
      `${where} is not a readable .npz (zip) file; write it with np.savez(path, inputs=..., targets=...)`,
    );
  }
  return npzMembers(entries, where, '');
}

/** The arrays under `prefix` of an unzipped .npz; a run's dataset.npz also has meta.json and probe/. */
function npzMembers(entries: Record<string, Uint8Array>, where: string, prefix: string): ArraySource {
  const names = Object.keys(entries)
    .filter((n) => n.startsWith(prefix) && n.endsWith('.npy') && !n.slice(prefix.length).includes('/'))
    .map((n) => n.slice(prefix.length, -4));
  const src: ArraySource = {
    where,
    names,
    get: async (name) => {
      const b = entries[`${prefix}${name}.npy`];
      return b === undefined ? undefined : readNpy(b, `${where}: array '${prefix}${name}'`);
    },
  };
  const metaBytes = entries[`${prefix}meta.json`];
  if (metaBytes !== undefined) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(metaBytes)) as unknown;
      if (isRecord(parsed) && parsed['format'] === 'cortexflow/dataset') src.meta = parsed;
    } catch {
      // Not our meta.json: the arrays alone are used.
    }
  }
  if (src.meta !== undefined && Object.keys(entries).some((n) => n.startsWith(`${prefix}probe/`)))
    src.probe = npzMembers(entries, where, `${prefix}probe/`);
  return src;
}

async function folderSource(dir: string, read: (p: string) => Promise<Uint8Array>): Promise<ArraySource> {
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  const list = await fs.readdir(dir);
  const names = list.filter((f) => f.endsWith('.npy')).map((f) => f.slice(0, -4));
  let meta: Record<string, unknown> | undefined;
  if (list.includes('meta.json')) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(await read(nodePath.join(dir, 'meta.json')))) as unknown;
      if (isRecord(parsed) && parsed['format'] === 'cortexflow/dataset') meta = parsed;
    } catch {
      // Not our meta.json: the arrays alone are used.
    }
  }
  const src: ArraySource = {
    where: dir,
    names,
    get: async (name) =>
      names.includes(name)
        ? readNpy(await read(nodePath.join(dir, `${name}.npy`)), `${nodePath.join(dir, `${name}.npy`)}`)
        : undefined,
    ...(meta !== undefined ? { meta } : {}),
  };
  if (meta !== undefined && (await pathKind(nodePath.join(dir, 'probe'))) === 'directory')
    src.probe = await folderSource(nodePath.join(dir, 'probe'), read);
  return src;
}

/**
 * MATLAB v7.3: HDF5 with one dataset per variable. MATLAB is column-major, so an [S, T, C] variable
 * is stored with its dimensions reversed: [C, T, S] in HDF5's C order, which is the same bytes; the
 * axes are reversed back here.
 */
async function matSource(bytes: Uint8Array, where: string): Promise<{ source: ArraySource; close: () => void }> {
  const h5 = (await import('h5wasm')).default;
  const mod = await h5.ready;
  const fsPath = `/cortexflow-mat-${++matCounter}.mat`;
  mod.FS.writeFile(fsPath, bytes);
  const file = new h5.File(fsPath, 'r');
  const close = (): void => {
    try {
      file.close();
    } finally {
      mod.FS.unlink(fsPath);
    }
  };
  if (file.file_id < 0n) {
    close();
    throw new Error(`${where} has an HDF5 signature but could not be opened; the file may be truncated or damaged`);
  }
  const names = file.keys().filter((k) => file.get(k) instanceof h5.Dataset);
  return {
    close,
    source: {
      where,
      names,
      get: async (name) => {
        if (!names.includes(name)) return undefined;
        const ds = file.get(name);
        if (!(ds instanceof h5.Dataset)) return undefined;
        const w = `${where}: variable '${name}'`;
        const cls = ds.attrs['MATLAB_class']?.value;
        if (cls === 'cell' || cls === 'struct')
          throw new ArrayFormatError(
            `${w} is a MATLAB ${String(cls)}; save numeric arrays (double, single, int, logical)`,
          );
        const raw = ds.value;
        const hShape = ds.shape ?? [];
        let flat: Float64Array;
        if (raw instanceof Float64Array) flat = raw;
        else if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
          const arr = raw as unknown as ArrayLike<number | bigint>;
          flat = new Float64Array(arr.length);
          for (let i = 0; i < arr.length; i++) flat[i] = Number(arr[i]);
        } else if (typeof raw === 'number') flat = new Float64Array([raw]);
        else throw new ArrayFormatError(`${w} is not a numeric array; save double, single, int or logical arrays`);
        // Reverse the axes: HDF5 shape [d0, ..., dk] in C order is MATLAB's [dk, ..., d0].
        const shape = [...hShape].reverse();
        const values = reverseAxes(flat, hShape);
        return { shape, dtype: typeof ds.dtype === 'string' ? ds.dtype : 'hdf5', kind: 'float', values };
      },
    },
  };
}

/** Transpose a C-order array of shape `shape` into C order of the reversed shape. */
function reverseAxes(src: Float64Array, shape: number[]): Float64Array {
  const d = shape.length;
  if (d < 2) return src;
  const out = new Float64Array(src.length);
  const rev = [...shape].reverse();
  // strides of the reversed array in C order
  const stridesRev = new Array<number>(d).fill(1);
  for (let k = d - 2; k >= 0; k--) stridesRev[k] = (stridesRev[k + 1] as number) * (rev[k + 1] as number);
  const idx = new Array<number>(d).fill(0);
  for (let i = 0; i < src.length; i++) {
    // index (i0..i_{d-1}) in src maps to (i_{d-1}..i0) in out
    let o = 0;
    for (let k = 0; k < d; k++) o += (idx[k] as number) * (stridesRev[d - 1 - k] as number);
    out[o] = src[i] as number;
    for (let k = d - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (shape[k] as number)) break;
      idx[k] = 0;
    }
  }
  return out;
}

function shapeText(a: UserArray): string {
  return `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`;
}

function toFloat32(a: UserArray, where: string): Float32Array {
  if (a.kind === 'string') throw new ArrayFormatError(`${where} holds strings (${a.dtype}); it must be numeric`);
  const out = a.values instanceof Float32Array ? a.values : Float32Array.from(a.values);
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i]))
      throw new ArrayFormatError(`${where} has a non-finite value (NaN or infinity) at flat index ${i}`);
  return out;
}

/** Build a Dataset from the named arrays of a source, checking shapes and dtypes. */
async function datasetFrom(src: ArraySource, o: LoadTrialsOptions, isProbe: boolean): Promise<Dataset> {
  const where = (name: string): string => `${src.where}: array '${name}'`;
  const need = async (name: string, role: string): Promise<UserArray> => {
    const a = await src.get(name);
    if (a === undefined)
      throw new ArrayFormatError(
        `${src.where} has no array '${name}' (the ${role}); it has ${src.names.length ? src.names.map((n) => `'${n}'`).join(', ') : 'no arrays'}; set the param "${role}" to the name of yours`,
      );
    return a;
  };
  const x = await need(o.inputs, 'inputs');
  if (x.shape.length !== 3)
    throw new ArrayFormatError(
      `${where(o.inputs)} has shape ${shapeText(x)}; inputs must be 3-D [samples, T, channels]${x.shape.length === 2 ? ' (one channel: add an axis, x[..., None])' : ''}`,
    );
  const [S, T, C] = x.shape as [number, number, number];
  if (S < 1 || T < 1 || C < 1)
    throw new ArrayFormatError(`${where(o.inputs)} has shape ${shapeText(x)}: an empty axis`);
  const y = await need(o.targets, 'targets');
  if (y.shape.length === 2 && y.shape[0] === S && y.shape[1] === T) y.shape = [S, T, 1];
  if (y.shape.length !== 3 || y.shape[0] !== S || y.shape[1] !== T || (y.shape[2] as number) < 1)
    throw new ArrayFormatError(
      `${where(o.targets)} has shape ${shapeText(y)}; targets must be [samples, T, outputs] = (${S}, ${T}, outputs) to match inputs ${shapeText(x)}`,
    );
  const O = y.shape[2] as number;
  const inputs = toFloat32(x, where(o.inputs));
  const targets = toFloat32(y, where(o.targets));
  let mask: Float32Array;
  const m = await src.get(o.mask);
  if (m === undefined) mask = new Float32Array(S * T).fill(1);
  else {
    const okShape =
      (m.shape.length === 2 || (m.shape.length === 3 && m.shape[2] === 1)) && m.shape[0] === S && m.shape[1] === T;
    if (!okShape)
      throw new ArrayFormatError(
        `${where(o.mask)} has shape ${shapeText(m)}; the mask must be [samples, T] = (${S}, ${T}), 1 where the loss counts`,
      );
    mask = toFloat32(m, where(o.mask));
    if (mask.some((v) => v < 0)) throw new ArrayFormatError(`${where(o.mask)} has negative values; use weights >= 0`);
  }
  // Condition labels: our own layout (condition.npy indexing meta.json's conditions), or a user's
  // int or str array of one label per trial.
  let conditions: ConditionLabel[];
  const metaConds = src.meta?.['conditions'];
  const idx = src.meta !== undefined ? await src.get('condition') : undefined;
  const jit = src.meta !== undefined ? await src.get('jitter') : undefined;
  if (src.meta !== undefined && Array.isArray(metaConds) && idx !== undefined && idx.shape[0] === S) {
    conditions = Array.from({ length: S }, (_, s) => {
      const c = metaConds[idx.values[s] as number] as unknown;
      if (!isRecord(c) || typeof c['key'] !== 'string')
        throw new ArrayFormatError(`${src.where}: condition.npy points at a condition meta.json does not have`);
      return { ...(c as unknown as ConditionLabel), jitter: jit?.values[s] ?? 0 };
    });
  } else {
    const c = await src.get(o.conditions);
    if (c === undefined)
      conditions = Array.from({ length: S }, () => ({ task: o.task, inputValues: [], jitter: 0, key: o.task }));
    else {
      if (c.shape.length !== 1 || c.shape[0] !== S)
        throw new ArrayFormatError(
          `${where(o.conditions)} has shape ${shapeText(c)}; condition labels must be one per trial, shape (${S},)`,
        );
      if (c.kind === 'float' && !Array.from(c.values).every(Number.isInteger))
        throw new ArrayFormatError(`${where(o.conditions)} holds non-integer numbers; labels must be ints or strings`);
      conditions = Array.from({ length: S }, (_, s) => {
        const label = c.kind === 'string' ? (c.strings?.[s] ?? '') : String(c.values[s]);
        const value = c.kind === 'string' ? s : (c.values[s] as number);
        return { task: o.task, inputValues: c.kind === 'string' ? [] : [value], jitter: 0, key: `${o.task} ${label}` };
      });
    }
  }
  const meta = src.meta;
  const strList = (v: unknown, n: number, fallback: (i: number) => string): string[] =>
    Array.isArray(v) && v.length === n && v.every((s) => typeof s === 'string')
      ? v
      : Array.from({ length: n }, (_, i) => fallback(i));
  const testCount =
    meta && typeof meta['testCount'] === 'number' && !isProbe ? meta['testCount'] : isProbe ? 0 : o.testCount;
  if (testCount > S)
    throw new ArrayFormatError(`testCount = ${testCount} is more than the ${S} trials of ${src.where}`);
  const ds: Dataset = {
    samples: S,
    T,
    channels: C,
    outputs: O,
    inputs,
    targets,
    mask,
    conditions,
    channelNames: strList(meta?.['channelNames'], C, (i) => `in${i}`),
    outputNames: strList(meta?.['outputNames'], O, (i) => (O === 1 ? 'y' : `out${i}`)),
    dt: meta && typeof meta['dt'] === 'number' ? meta['dt'] : o.dt,
    seed: meta && typeof meta['seed'] === 'number' ? meta['seed'] : 0,
    testCount,
    tasks: meta && Array.isArray(meta['tasks']) ? (meta['tasks'] as string[]) : [o.task],
    provenance: {
      block: 'dataset.load',
      source: src.where,
      arrays: { inputs: o.inputs, targets: o.targets, mask: m ? o.mask : null },
      ...(meta && isRecord(meta['provenance']) ? { original: meta['provenance'] } : {}),
    },
    ...(meta && isRecord(meta['context'])
      ? { context: meta['context'] as unknown as Dataset['context'] & object }
      : {}),
  };
  return ds;
}

/** The probe: the file's own (probe_inputs, ... or probe/), else the first trial of each labelled condition. */
async function probeOf(
  src: ArraySource,
  ds: Dataset,
  o: LoadTrialsOptions,
  labelled: boolean,
): Promise<Dataset | undefined> {
  if (src.probe) return datasetFrom(src.probe, o, true);
  if ((await src.get(`probe_${o.inputs}`)) !== undefined)
    return datasetFrom(
      src,
      {
        ...o,
        inputs: `probe_${o.inputs}`,
        targets: `probe_${o.targets}`,
        mask: `probe_${o.mask}`,
        conditions: `probe_${o.conditions}`,
      },
      true,
    );
  if (!labelled) return undefined;
  const first = new Map<string, number>();
  ds.conditions.forEach((c, s) => {
    if (!first.has(c.key)) first.set(c.key, s);
  });
  const picks = [...first.values()];
  const { T, channels: C, outputs: O } = ds;
  const pick = (a: Float32Array, w: number): Float32Array => {
    const out = new Float32Array(picks.length * T * w);
    picks.forEach((s, i) => out.set(a.subarray(s * T * w, (s + 1) * T * w), i * T * w));
    return out;
  };
  return {
    ...ds,
    samples: picks.length,
    inputs: pick(ds.inputs, C),
    targets: pick(ds.targets, O),
    mask: pick(ds.mask, 1),
    conditions: picks.map((s) => ds.conditions[s] as ConditionLabel),
    testCount: 0,
    provenance: { ...ds.provenance, probe: 'the first trial of each distinct condition label' },
  };
}

/**
 * Read a user's trials from a path (Node): an .npz, a .mat (v7.3), a folder of .npy files or an
 * .npy inside one. Errors name the file and the array.
 */
export async function loadTrials(path: string, o: LoadTrialsOptions): Promise<Dataset> {
  const nodePath = await import('node:path');
  const resolved = nodePath.resolve(path);
  const readOpts: ReadOptions = {
    what: 'dataset (.npz, .mat, or a folder of .npy files)',
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
  };
  const read = (p: string): Promise<Uint8Array> => readFileSafe(p, { ...readOpts, shown: p });
  const kind = await pathKind(resolved);
  if (kind === 'missing')
    throw new Error(`no file at ${resolved}; give an .npz, a .mat (v7.3) or a folder of .npy files`);
  let src: ArraySource;
  let close = (): void => {};
  if (kind === 'directory') src = await folderSource(resolved, read);
  else if (/\.npy$/i.test(resolved)) src = await folderSource(nodePath.dirname(resolved), read);
  else {
    const opened = await bytesSource(await read(resolved), resolved);
    src = opened.source;
    close = opened.close;
  }
  return buildDataset(src, o, close);
}

/** An .npz or .mat (v7.3) file's arrays, from its bytes; `where` names it in messages. */
async function bytesSource(bytes: Uint8Array, where: string): Promise<{ source: ArraySource; close: () => void }> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { source: await npzSource(bytes, where), close: () => {} };
  if (isHdf5(bytes)) return matSource(bytes, where);
  if (new TextDecoder('latin1').decode(bytes.subarray(0, MAT5.length)) === MAT5)
    throw new Error(
      `${where} is a MATLAB 5 (pre-v7.3) MAT-file, which cortexflow does not read: save it with save(file, '-v7.3') ` +
        `(HDF5), or in Python: d = scipy.io.loadmat(file); np.savez('trials.npz', inputs=d['inputs'], targets=d['targets'])`,
    );
  throw new Error(
    `${where} is not an .npz, a .mat (v7.3) or an .npy file (found ${describeContent(bytes)}); see docs/python.md for the expected layout`,
  );
}

/**
 * Read a user's trials from the bytes of an .npz or .mat (v7.3) file (Node and browser: what the
 * block does with a URL). `name` is used in messages.
 */
export async function trialsFromBytes(bytes: Uint8Array, name: string, o: LoadTrialsOptions): Promise<Dataset> {
  const { source, close } = await bytesSource(bytes, name);
  return buildDataset(source, o, close);
}

async function buildDataset(src: ArraySource, o: LoadTrialsOptions, close: () => void): Promise<Dataset> {
  try {
    const ds = await datasetFrom(src, o, false);
    const labelled = src.meta !== undefined || (await src.get(o.conditions)) !== undefined;
    const probe = await probeOf(src, ds, o, labelled);
    if (probe !== undefined) {
      if (probe.T !== ds.T || probe.channels !== ds.channels || probe.outputs !== ds.outputs)
        throw new ArrayFormatError(
          `${src.where}: the probe trials are ${probe.T} steps x ${probe.channels} in / ${probe.outputs} out, the trials ${ds.T} x ${ds.channels} / ${ds.outputs}`,
        );
      ds.probe = probe;
    }
    return ds;
  } finally {
    close();
  }
}

export const datasetLoad = defineBlock({
  type: 'dataset.load',
  version: 1,
  title: 'Load trials',
  category: 'Tasks',
  description:
    "Your own trials as a dataset, usable wherever a task block's dataset is (model, trainer, simulation, context.mux, plots). " +
    'From a NumPy .npz (np.savez(f, inputs=x, targets=y, mask=m, conditions=c)), a folder of .npy files (inputs.npy, ' +
    'targets.npy, ...; a Dataset output folder loads back with its labels and probe), or a MATLAB v7.3 .mat file. ' +
    'inputs [samples, T, channels], targets [samples, T, outputs] (or [samples, T]), optional mask [samples, T] and one ' +
    'condition label (int or str) per trial. The probe (distinct conditions, for the success criterion and sim.run) is ' +
    'probe_inputs/probe_targets when given, else the first trial of each label. See docs/python.md.',
  inputs: {},
  outputs: { dataset: DatasetPort },
  params: schema({
    path: str('', {
      description:
        'An .npz, a .mat (v7.3), or a folder holding inputs.npy and targets.npy (or one of those files), relative to the working directory; ' +
        'or an http(s):, data: or blob: URL of an .npz or .mat file (the only form in the browser; the command line fetches http(s) only with --allow-urls).',
    }),
    inputs: str('inputs', { description: 'Name of the inputs array [samples, T, channels].' }),
    targets: str('targets', { description: 'Name of the targets array [samples, T, outputs].' }),
    mask: str('mask', {
      description: 'Name of the optional mask [samples, T] (1 where the loss counts); all ones when absent.',
    }),
    conditions: str('conditions', {
      description:
        'Name of the optional condition labels, one int or str per trial (gives the probe and per-condition plots).',
    }),
    task: str('user', { description: 'Task name recorded on the trials.' }),
    testCount: int(0, 1_000_000_000, 0, { description: 'The first testCount trials are held out for validation.' }),
    dt: num(0, 1e6, 1, { description: 'Milliseconds per step (for plots).', unit: 'ms' }),
  }),
  validate: (p) =>
    p.path.trim() === ''
      ? [{ param: 'path', message: 'give the path of an .npz, a .mat (v7.3) or a folder of .npy files' }]
      : p.dt > 0
        ? []
        : [{ param: 'dt', message: 'dt must be > 0 (milliseconds per step)' }],
  run: async ({ params, env, signal }) => {
    const url = sourceOf(params.path, env.platform, 'of an .npz or .mat file') === 'url';
    try {
      if (url) {
        const shown = params.path.trim().startsWith('data:') ? 'the data: URL' : params.path.trim();
        const bytes = await fetchSafe(params.path, { platform: env.platform, signal, shown });
        return { dataset: await trialsFromBytes(bytes, shown, { ...params, signal }) };
      }
      return { dataset: await loadTrials(params.path, { ...params, signal }) };
    } catch (e) {
      throw new Error(`path: ${(e as Error).message}`, { cause: e });
    }
  },
});
