/**
 * Test helpers for block authors: {@link runBlock} runs one block on given inputs and params
 * (defaults filled in, params validated) and collects what it emitted; {@link expectBlock} runs it
 * and asserts its events (outputs, progress, warnings, failure), with any test runner.
 */
import { lastValueFrom, tap } from 'rxjs';
import type { AnyBlock, Metrics, RunEnvironment } from './block.ts';
import { fromBlockRun } from './runtime/from-block-run.ts';
import type { PortType } from './ports.ts';
import { checkValue, withDefaults } from './schema.ts';

/** What a block emitted while running under {@link runBlock}. */
export interface BlockRunRecord<Out> {
  outputs: Out;
  progress: Array<{ value: number; max: number; metrics?: Metrics; message?: string }>;
  warnings: string[];
  /** Every progress report and warning, in the order they were emitted (outputs not included). */
  events: Array<
    | { kind: 'progress'; value: number; max: number; metrics?: Metrics; message?: string }
    | { kind: 'warning'; message: string }
  >;
}

export interface RunBlockOptions {
  params?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  signal?: AbortSignal;
  env?: Partial<RunEnvironment>;
  nodeId?: string;
  /**
   * Abort the run's signal once the block has reported this many progress events (to test
   * cancellation: the block should then stop promptly and throw). Ignored when `signal` is given.
   */
  abortAfterProgress?: number;
}

/** Thrown by {@link runBlock} when params do not validate. */
export class ParamsError extends Error {
  override name = 'ParamsError';
}

/**
 * Run `block` once. Params are merged with the block's defaults and checked against its schema and
 * its `validate` hook (with no upstream); inputs are passed as given.
 */
export async function runBlock<Out = Record<string, unknown>>(
  block: AnyBlock,
  options: RunBlockOptions = {},
): Promise<BlockRunRecord<Out>> {
  const params = withDefaults(block.params, options.params ?? {}) as Record<string, unknown>;
  const issues = checkValue(block.params, params).map((i) => `${i.path}: ${i.message}`);
  if (block.validate) {
    const ctx = { upstream: {}, nodeParams: () => undefined, upstreamOf: () => ({}) };
    for (const i of block.validate(params, ctx)) issues.push(`${i.param ?? '(node)'}: ${i.message}`);
  }
  if (issues.length > 0) throw new ParamsError(`${block.type}: ${issues.join('; ')}`);
  const record: BlockRunRecord<Out> = { outputs: undefined as Out, progress: [], warnings: [], events: [] };
  const env: RunEnvironment = { platform: 'node', ...options.env };
  const controller = new AbortController();
  const onProgress = (p: { value: number; max: number; metrics?: Metrics; message?: string }): void => {
    record.progress.push(p);
    record.events.push({ kind: 'progress', ...p });
    if (options.abortAfterProgress !== undefined && record.progress.length >= options.abortAfterProgress)
      controller.abort(new Error('cancelled by the test (abortAfterProgress)'));
  };
  const onWarning = (m: string): void => {
    record.warnings.push(m);
    record.events.push({ kind: 'warning', message: m });
  };
  let outputs: { value: Out } | undefined;
  await lastValueFrom(
    fromBlockRun<Out>(block, {
      params,
      inputs: options.inputs ?? {},
      signal: options.signal ?? controller.signal,
      nodeId: options.nodeId ?? 'test',
      env,
    }).pipe(
      tap((e) => {
        if (e.kind === 'progress') {
          const { kind: _kind, ...p } = e;
          onProgress(p);
        } else if (e.kind === 'warning') onWarning(e.message);
        else outputs = { value: e.outputs };
      }),
    ),
    { defaultValue: undefined },
  );
  if (outputs === undefined) throw new Error(`${block.type}: completed without emitting outputs`);
  record.outputs = outputs.value;
  return record;
}

/** What {@link checkEvents} / {@link expectBlock} check. Every field is optional. */
export interface ExpectedEvents<Out = Record<string, unknown>> {
  /**
   * Output values to compare (deep equality, typed arrays compared element-wise; numbers within
   * `tolerance`), or a function that throws (e.g. with vitest's `expect`) or returns problems.
   * Either way, every output port the block declares must be present and its port's `summarize`
   * must accept it.
   */
  outputs?: Partial<Record<keyof Out & string, unknown>> | ((outputs: Out) => void | string[]);
  /** Absolute tolerance for numbers in `outputs` (default 0: exact). */
  tolerance?: number;
  /**
   * Progress checks: how many reports (exact, or a range), that values never go backwards and stay
   * within [0, max], that the last one is complete (value = max), and metric names that must appear.
   */
  progress?: {
    count?: number | { min?: number; max?: number };
    monotonic?: boolean;
    completes?: boolean;
    metrics?: string[];
  };
  /**
   * Warnings: each string (substring) or RegExp must match a warning, in order; `[]` means none at all.
   */
  warnings?: Array<string | RegExp>;
  /** The run must fail; its message must contain this string or match this RegExp (`true`: any failure). */
  error?: string | RegExp | true;
}

/** Deep comparison that names the first difference; '' when equal. */
function difference(actual: unknown, expected: unknown, path: string, tol: number): string {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected) && Number.isNaN(actual)) return '';
    return Math.abs(actual - expected) <= tol || actual === expected
      ? ''
      : `${path}: expected ${expected}, got ${actual}`;
  }
  const isArr = (v: unknown): v is ArrayLike<unknown> =>
    Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (isArr(expected)) {
    if (!isArr(actual)) return `${path}: expected an array of ${expected.length}, got ${typeof actual}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} elements, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(actual[i], expected[i], `${path}[${i}]`, tol);
      if (d) return d;
    }
    return '';
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return `${path}: expected an object, got ${String(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const d = difference((actual as Record<string, unknown>)[k], v, `${path}.${k}`, tol);
      if (d) return d;
    }
    return '';
  }
  return Object.is(actual, expected)
    ? ''
    : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/**
 * Compare what a block emitted with what was expected; returns the problems (empty when all
 * hold). `block` enables the output checks (declared ports present, `summarize` accepts them).
 */
export function checkEvents<Out>(
  record: BlockRunRecord<Out> | { error: unknown },
  expected: ExpectedEvents<Out>,
  block?: AnyBlock,
): string[] {
  if ('error' in record) return failureProblems(record.error, expected);
  const problems: string[] = [];
  if (expected.error !== undefined) problems.push('the run succeeded, but it was expected to fail');
  problems.push(...outputProblems(record, expected, block));
  if (expected.progress) problems.push(...progressProblems(record.progress, expected.progress));
  if (expected.warnings !== undefined) problems.push(...warningProblems(record.warnings, expected.warnings));
  return problems;
}

function failureProblems(error: unknown, expected: ExpectedEvents<never>): string[] {
  const msg = error instanceof Error ? error.message : String(error);
  if (expected.error === undefined) return [`the run failed: ${msg}`];
  if (typeof expected.error === 'string' && !msg.includes(expected.error))
    return [`the run failed with "${msg}", expected a message containing "${expected.error}"`];
  if (expected.error instanceof RegExp && !expected.error.test(msg))
    return [`the run failed with "${msg}", expected a message matching ${expected.error}`];
  return [];
}

function outputProblems<Out>(record: BlockRunRecord<Out>, expected: ExpectedEvents<Out>, block?: AnyBlock): string[] {
  const problems: string[] = [];
  const outputs = record.outputs as Record<string, unknown>;
  if (block) {
    for (const [port, pt] of Object.entries(block.outputs as Record<string, PortType>)) {
      if (outputs?.[port] === undefined) {
        problems.push(`output "${port}" (${pt.name}) is missing from what run returned`);
        continue;
      }
      try {
        pt.summarize(outputs[port]);
      } catch (e) {
        problems.push(
          `output "${port}": ${pt.name}.summarize threw (${e instanceof Error ? e.message : String(e)}); is the value a ${pt.name}?`,
        );
      }
    }
  }
  if (typeof expected.outputs === 'function') {
    const r = expected.outputs(record.outputs);
    if (Array.isArray(r)) problems.push(...r);
  } else if (expected.outputs !== undefined) {
    const d = difference(outputs, expected.outputs, 'outputs', expected.tolerance ?? 0);
    if (d) problems.push(d);
  }
  return problems;
}

function progressProblems(
  progress: BlockRunRecord<unknown>['progress'],
  pr: NonNullable<ExpectedEvents['progress']>,
): string[] {
  const problems: string[] = [];
  const record = { progress };
  const n = record.progress.length;
  if (typeof pr.count === 'number' && n !== pr.count) problems.push(`expected ${pr.count} progress reports, got ${n}`);
  if (typeof pr.count === 'object') {
    if (pr.count.min !== undefined && n < pr.count.min)
      problems.push(`expected at least ${pr.count.min} progress reports, got ${n}`);
    if (pr.count.max !== undefined && n > pr.count.max)
      problems.push(`expected at most ${pr.count.max} progress reports, got ${n}`);
  }
  if (pr.monotonic) {
    record.progress.forEach((p, i) => {
      const prev = record.progress[i - 1];
      if (!(p.value >= 0 && p.value <= p.max))
        problems.push(`progress[${i}] = ${p.value} of ${p.max} is outside [0, max]`);
      if (prev && p.value / p.max < prev.value / prev.max)
        problems.push(`progress went backwards at report ${i}: ${prev.value}/${prev.max} then ${p.value}/${p.max}`);
    });
  }
  if (pr.completes) {
    const last = record.progress[n - 1];
    if (!last || last.value !== last.max)
      problems.push(
        `the last progress report should be complete (value = max), got ${last ? `${last.value}/${last.max}` : 'none'}`,
      );
  }
  for (const m of pr.metrics ?? [])
    if (!record.progress.some((p) => p.metrics !== undefined && m in p.metrics))
      problems.push(`no progress report carried the metric "${m}"`);
  return problems;
}

function warningProblems(
  warnings: readonly string[],
  expectedWarnings: NonNullable<ExpectedEvents['warnings']>,
): string[] {
  const problems: string[] = [];
  const record = { warnings };
  const expected = { warnings: expectedWarnings };
  if (expected.warnings.length === 0 && record.warnings.length > 0)
    problems.push(`expected no warnings, got: ${record.warnings.map((w) => JSON.stringify(w)).join(', ')}`);
  let from = 0;
  for (const w of expected.warnings) {
    const i = record.warnings.findIndex((x, k) => k >= from && (typeof w === 'string' ? x.includes(w) : w.test(x)));
    if (i < 0) {
      problems.push(
        `no warning ${typeof w === 'string' ? `containing "${w}"` : `matching ${w}`}${from > 0 ? ' after the previous expected one' : ''} (warnings: ${JSON.stringify(record.warnings)})`,
      );
      break;
    }
    from = i + 1;
  }
  return problems;
}

/** Thrown by {@link expectBlock} when the block did not emit what was expected. */
export class BlockExpectationError extends Error {
  override name = 'BlockExpectationError';
  constructor(
    readonly blockType: string,
    readonly problems: string[],
  ) {
    super(`${blockType}: ${problems.length} expectation(s) failed:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Run `block` with {@link runBlock} and check what it emitted against `expected`
 * ({@link checkEvents}); throws a {@link BlockExpectationError} listing every failed expectation,
 * so it works with any test runner. Resolves to the run record (or the error, when `expected.error`
 * is set) for further checks.
 *
 *     await expectBlock(myBlock, { params: { n: 3 } }, { outputs: { value: 6 }, progress: { completes: true }, warnings: [] });
 */
export async function expectBlock<Out = Record<string, unknown>>(
  block: AnyBlock,
  options: RunBlockOptions,
  expected: ExpectedEvents<Out>,
): Promise<BlockRunRecord<Out> | { error: unknown }> {
  let record: BlockRunRecord<Out> | { error: unknown };
  try {
    record = await runBlock<Out>(block, options);
  } catch (e) {
    if (e instanceof ParamsError) throw e;
    record = { error: e };
  }
  const problems = checkEvents(record, expected, block);
  if (problems.length > 0) throw new BlockExpectationError(block.type, problems);
  return record;
}
