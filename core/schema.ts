/**
 * Params schemas. A block declares its params once with these builders; the TypeScript type
 * (`Static<typeof params>`) and the JSON Schema (`nodes --json`, the editor's params panel) are both
 * derived from that one declaration. The builders are thin wrappers over TypeBox, so every schema is
 * plain JSON Schema and any TypeBox type can be used where these are not enough.
 */
import { suggestion } from './hints.ts';
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { echo } from './limits.ts';

export { Type, type Static, type TSchema, type TObject, type TProperties };

/** Options every param builder accepts. */
export interface ParamOptions {
  /** One sentence shown in the editor and in `nodes --json`. */
  description?: string;
  /** Unit shown next to the value ("steps", "ms"). */
  unit?: string;
}

function opts(o: ParamOptions | undefined): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  if (o?.description !== undefined) r['description'] = o.description;
  if (o?.unit !== undefined) r['unit'] = o.unit;
  return r;
}

/** An integer in [min, max] with a default. */
export function int(min: number, max: number, defaultValue: number, o?: ParamOptions) {
  return Type.Integer({ minimum: min, maximum: max, default: defaultValue, ...opts(o) });
}

/** A finite number in [min, max] with a default. */
export function num(min: number, max: number, defaultValue: number, o?: ParamOptions) {
  return Type.Number({ minimum: min, maximum: max, default: defaultValue, ...opts(o) });
}

/** A boolean with a default. */
export function bool(defaultValue: boolean, o?: ParamOptions) {
  return Type.Boolean({ default: defaultValue, ...opts(o) });
}

/** A string with a default. */
export function str(defaultValue: string, o?: ParamOptions & { minLength?: number; maxLength?: number }) {
  const extra: Record<string, unknown> = {};
  if (o?.minLength !== undefined) extra['minLength'] = o.minLength;
  if (o?.maxLength !== undefined) extra['maxLength'] = o.maxLength;
  return Type.String({ default: defaultValue, ...extra, ...opts(o) });
}

/** One of a fixed list of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
  o?: ParamOptions,
) {
  const literals = values.map((v) => Type.Literal(v));
  return Type.Union(literals, { default: defaultValue, ...opts(o) }) as unknown as TSchema & { static: T[number] };
}

/** A list of items of one schema. */
export function list<S extends TSchema>(
  item: S,
  defaultValue: Static<S>[],
  o?: ParamOptions & { minItems?: number; maxItems?: number },
) {
  const extra: Record<string, unknown> = {};
  if (o?.minItems !== undefined) extra['minItems'] = o.minItems;
  if (o?.maxItems !== undefined) extra['maxItems'] = o.maxItems;
  return Type.Array(item, { default: defaultValue, ...extra, ...opts(o) });
}

/** A map from names to numbers (e.g. context levels keyed by task). */
export function numberMap(defaultValue: Record<string, number>, o?: ParamOptions) {
  return Type.Record(Type.String(), Type.Number(), { default: defaultValue, ...opts(o) });
}

/** The params object of a block: no unknown keys allowed. */
export function schema<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/** One problem found in a value, with the path inside it (`samples`, `levels.and`). */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** JSON pointer `/a/0/b` to the dotted form `a[0].b` used in every error message. */
export function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    let seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    // A path names where a problem is; a megabyte-long key need not be repeated to do that.
    if (seg.length > 200) seg = `${seg.slice(0, 200)}…`;
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

function describeExpected(s: TSchema): string {
  const r = s as Record<string, unknown>;
  if (Array.isArray(r['anyOf'])) {
    const consts = (r['anyOf'] as Array<Record<string, unknown>>).map((a) => a['const']);
    if (consts.every((c) => c !== undefined)) return `one of ${consts.map((v) => JSON.stringify(v)).join(', ')}`;
    return 'one of the allowed forms';
  }
  const t = r['type'];
  const range =
    r['minimum'] !== undefined || r['maximum'] !== undefined
      ? ` in [${typeof r['minimum'] === 'number' ? r['minimum'] : '-inf'}, ${typeof r['maximum'] === 'number' ? r['maximum'] : 'inf'}]`
      : '';
  if (t === 'integer') return `an integer${range}`;
  if (t === 'number') return `a number${range}`;
  if (t === 'boolean') return 'true or false';
  if (t === 'string') return 'a string';
  if (t === 'array') return 'a list';
  if (t === 'object') return 'an object';
  return 'a valid value';
}

/**
 * Check a value against a schema. Returns every issue with its path and what was expected;
 * unknown keys are reported as such (with the allowed keys), not as a generic schema failure.
 */
export function checkValue(s: TSchema, value: unknown): SchemaIssue[] {
  // The common case, a valid value, is several times cheaper to confirm than to walk for errors.
  if (Value.Check(s, value)) return [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(s, value)) {
    const path = pointerToPath(e.path);
    const sch = e.schema as Record<string, unknown>;
    if (e.type === ValueErrorType.ObjectAdditionalProperties) {
      const allowed = Object.keys((sch['properties'] as Record<string, unknown> | undefined) ?? {});
      if (seen.has(path)) continue;
      seen.add(path);
      const key = path.split('.').pop() ?? path;
      issues.push({ path, message: `unknown param ${echo(key)}; expected one of: ${allowed.join(', ')}${suggestion(key, allowed)}` });
      continue;
    }
    // A union reports its own error after one per member: keep the union's, which names all choices.
    if (seen.has(path)) {
      if (Array.isArray(sch['anyOf'])) {
        const i = issues.findIndex((x) => x.path === path);
        if (i >= 0)
          issues.splice(i, 1, {
            path,
            message: `expected ${describeExpected(e.schema)}, got ${echo(e.value)}`,
          });
      }
      continue;
    }
    seen.add(path);
    const got = echo(e.value);
    issues.push({ path, message: `expected ${describeExpected(e.schema)}, got ${got}` });
  }
  return issues;
}

/** Fill missing keys with the schema's defaults (deep), without mutating the input. */
export function withDefaults<S extends TSchema>(s: S, value: unknown): unknown {
  return fillDefaults(s, value === undefined ? {} : structuredClone(value));
}

/**
 * Only absent keys take defaults. A value the user gave is kept as given: a map param such as
 * context levels `{ and: 1, or: -1 }` must not gain the default's other keys (TypeBox's
 * Value.Default merges object defaults into given objects, which is wrong for params).
 */
function fillDefaults(s: TSchema, value: unknown): unknown {
  const r = s as Record<string, unknown>;
  const props = r['properties'] as Record<string, TSchema> | undefined;
  if (r['type'] !== 'object' || !props || typeof value !== 'object' || value === null || Array.isArray(value))
    return value;
  const out = value as Record<string, unknown>;
  for (const [k, ps] of Object.entries(props)) {
    const d = (ps as Record<string, unknown>)['default'];
    if (out[k] === undefined) {
      if (d !== undefined) out[k] = structuredClone(d);
      else if ((ps as Record<string, unknown>)['type'] === 'object' && (ps as Record<string, unknown>)['properties'])
        out[k] = fillDefaults(ps, {});
    } else out[k] = fillDefaults(ps, out[k]);
  }
  return out;
}

/** The JSON Schema of a TypeBox schema, as plain JSON (TypeBox's symbols dropped). */
export function toJsonSchema(s: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
}
