/**
 * The trials of `dataset.load`: a `Dataset` from a source's named arrays (shapes and dtypes checked,
 * errors naming the file and the array), its probe, and the entry points by path or by bytes that
 * pick the reader by what the file is.
 */
import type { ConditionLabel, Dataset } from '../ports/index.ts';
import { describeContent, pathKind, readFileSafe, type ReadOptions } from '../lib/files.ts';
import { ArrayFormatError, type UserArray } from '../lib/npy-read.ts';
import { isHdf5 } from '../lib/hdf5.ts';
import { isRecord, type ArraySource } from './array-source.ts';
import { folderSource } from './folder-source.ts';
import { matSource } from './mat-source.ts';
import { npzSource } from './npz-source.ts';

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

const MAT5 = 'MATLAB 5.0 MAT-file';

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
