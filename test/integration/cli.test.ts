/** The real CLI, spawned as a user would run it. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli } from './run-cli.ts';
const PLUGIN = 'test/fixtures/test-plugin.ts';
const P = (f: string) => `test/fixtures/pipelines/${f}`;

/** The CLI; `onStdout` may send it one Ctrl-C (SIGINT). */
const cli = (args: string[], opts: { onStdout?: (s: string, kill: () => void) => void } = {}) =>
  runCli(args, { onOutput: (o, kill) => opts.onStdout?.(o.stdout, () => kill('SIGINT')) });

const tmp = () => mkdtempSync(join(tmpdir(), 'cortexflow-cli-'));

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name), base) : [join(dir, d.name).slice(base.length + 1)],
  );
}

describe('cortexflow CLI', () => {
  it('run: exit 0, artifacts and manifest', async () => {
    const out = tmp();
    const r = await cli(['run', P('diamond.json'), '--plugin', PLUGIN, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(walk(out).sort()).toEqual([
      'a/value.json',
      'b/value.json',
      'manifest.json',
      'report/data.json',
      'sum/sum.json',
    ]);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('done');
    expect(m.nodes.sum).toMatchObject({
      status: 'done',
      cached: false,
      outputs: { sum: { type: 'Number', summary: '5', files: ['sum/sum.json'] } },
    });
    expect(JSON.parse(readFileSync(join(out, 'report/data.json'), 'utf8'))).toEqual({ label: 'sum', x: 5 });
    expect(r.stderr).toContain(`results: ${out}`);
  });

  it('--max-artifact-mb leaves out larger files, lists them in the manifest and says so; 0 writes all', async () => {
    const out = tmp();
    // report/data.json is the largest file of this run (~26 bytes); value.json and sum.json are 1-2 bytes.
    const r = await cli(['run', P('diamond.json'), '--plugin', PLUGIN, '--out', out, '--max-artifact-mb', '0.00001']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'report/data.json'))).toBe(false);
    expect(existsSync(join(out, 'sum/sum.json'))).toBe(true);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.nodes.report.outputs.data.files).toEqual([]);
    expect(m.nodes.report.outputs.data.skipped[0]).toMatchObject({ file: 'report/data.json' });
    expect(m.nodes.report.outputs.data.skipped[0].reason).toContain('--max-artifact-mb');
    expect(r.stderr).toContain('not written (over --max-artifact-mb 0.00001');
    expect(r.stderr).toContain('report/data.json');
    const all = tmp();
    const r0 = await cli(['run', P('diamond.json'), '--plugin', PLUGIN, '--out', all, '--max-artifact-mb', '0']);
    expect(r0.code, r0.stderr).toBe(0);
    expect(existsSync(join(all, 'report/data.json'))).toBe(true);
    const bad = await cli(['run', P('diamond.json'), '--plugin', PLUGIN, '--out', tmp(), '--max-artifact-mb', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-artifact-mb "lots"');
  });

  it('run --json streams NDJSON events; --set overrides a param', async () => {
    const out = tmp();
    const r = await cli(['run', P('diamond.json'), '--plugin', PLUGIN, '--out', out, '--json', '--set', 'a.value=10']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0].type).toBe('run-started');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', data: { status: 'done' } });
    const sum = events.find((e) => e.type === 'node-done' && e.data.node === 'sum');
    expect(sum.data.outputs.sum.summary).toBe('13');
    expect(sum.data.values).toBeUndefined();
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).overrides).toEqual(['a.value=10']);
  });

  it('--set is validated against the schema and nothing runs', async () => {
    const out = join(tmp(), 'never');
    const r = await cli(['run', P('diamond.json'), '--plugin', PLUGIN, '--out', out, '--set', 'a.value="x"']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nodes[0].params.value: expected a number');
    expect(existsSync(out)).toBe(false);
    const r2 = await cli(['run', P('diamond.json'), '--plugin', PLUGIN, '--set', 'nope.value=1']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('no node "nope"');
  });

  it('an invalid file runs nothing and exits 2 with every error', async () => {
    const out = join(tmp(), 'never');
    const r = await cli(['run', P('invalid.json'), '--plugin', PLUGIN, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nodes[0].type: unknown block type "test.cosnt"; did you mean "test.const"?');
    expect(r.stderr).toContain('nodes[1].params.value');
    expect(r.stderr).toContain('edges[0].to.node');
    expect(existsSync(out)).toBe(false);
  });

  it('a failing node: exit 1, its dependents skipped, the rest done', async () => {
    const out = tmp();
    const r = await cli(['run', P('failing.json'), '--plugin', PLUGIN, '--out', out]);
    expect(r.code).toBe(1);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('failed');
    expect(m.nodes.bad).toMatchObject({ status: 'failed', error: 'deliberate failure' });
    expect(m.nodes.after).toMatchObject({ status: 'skipped', reason: 'upstream node "bad" failed' });
    expect(m.nodes.good.status).toBe('done');
    expect(r.stderr).toContain('[bad] FAILED: deliberate failure');
  });

  it('Ctrl-C cancels cleanly: manifest marks the cancelled node, no temp files', async () => {
    const out = tmp();
    let sent = false;
    const r = await cli(['run', P('slow.json'), '--plugin', PLUGIN, '--out', out, '--json'], {
      onStdout: (s, kill) => {
        // One Ctrl-C (a second one quits at once, by design).
        if (!sent && s.includes('"node":"slow","progress"')) {
          sent = true;
          kill();
        }
      },
    });
    expect(r.code).toBe(130);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('cancelled');
    expect(m.nodes.slow.status).toBe('cancelled');
    expect(m.nodes.quick.status).toBe('done');
    expect(walk(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('validate: 0 for a valid file, 2 with paths for an invalid one', async () => {
    const ok = await cli(['validate', P('diamond.json'), '--plugin', PLUGIN]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid ("Diamond of test blocks", 4 nodes, 3 edges)');
    const bad = await cli(['validate', P('invalid.json'), '--plugin', PLUGIN, '--json']);
    expect(bad.code).toBe(2);
    const j = JSON.parse(bad.stdout);
    expect(j.valid).toBe(false);
    expect(j.errors.map((e: { path: string }) => e.path)).toEqual([
      'nodes[0].type',
      'nodes[1].params.value',
      'edges[0].to.node',
    ]);
  });

  it('validate: broken JSON names the line', async () => {
    const dir = tmp();
    const f = join(dir, 'broken.json');
    (await import('node:fs')).writeFileSync(f, '{\n  "format": "cortexflow/pipeline",\n  "nodes": [,]\n}');
    const r = await cli(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON at line 3/);
  });

  it('nodes --json lists types, ports and params as JSON Schema', async () => {
    const r = await cli(['nodes', '--json', '--plugin', PLUGIN]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    const add = list.find((b: { type: string }) => b.type === 'test.add');
    expect(add).toMatchObject({
      version: 1,
      category: 'Test',
      inputs: { a: { type: 'Number' } },
      outputs: { sum: { type: 'Number' } },
    });
    const slow = list.find((b: { type: string }) => b.type === 'test.slow');
    expect(slow.params.properties.steps).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 5 });
  });

  it('usage errors exit 2: missing file, unknown command, bad plugin', async () => {
    expect((await cli(['run', 'nope.json'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const r = await cli(['nodes', '--plugin', 'test/fixtures/does-not-exist.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plugin "test/fixtures/does-not-exist.ts": no such file');
  });
});
