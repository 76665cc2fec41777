/**
 * Keeps docs/plugins.md true: its `plugin-sample` code block is written to a file and loaded as a
 * plugin (through the CLI's main, as the doc shows), and its `plugin-test` block is run against it.
 * Also checks the example plugin packages follow the doc's publishing section.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installPlugin, Registry } from '../../core/index.ts';
import { registerBuiltins } from '../../nodes/index.ts';

const DOC = readFileSync(join(process.cwd(), 'docs', 'plugins.md'), 'utf8');

/** The body of the fenced block whose info string is `ts <tag>`. */
function codeBlock(tag: string): string {
  const m = new RegExp('```ts ' + tag + '\\n([\\s\\S]*?)\\n```').exec(DOC);
  if (!m?.[1]) throw new Error(`docs/plugins.md has no \`\`\`ts ${tag} code block`);
  return m[1];
}

// Inside the repository so that `cortexflow/core` resolves through node_modules like for a user.
const DIR = join(process.cwd(), 'test', 'integration', `.plugins-doc-${process.pid}`);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('docs/plugins.md', () => {
  it('the complete plugin is about 20 lines of block, loads in the CLI and runs', async () => {
    const sample = codeBlock('plugin-sample');
    const blockLines = sample
      .slice(sample.indexOf('export const recurrentNorm'), sample.indexOf('export const apiVersion'))
      .trim()
      .split('\n');
    expect(blockLines.length).toBeLessThanOrEqual(25);
    mkdirSync(DIR, { recursive: true });
    const file = join(DIR, 'my-plugin.ts');
    writeFileSync(file, sample);

    // As the doc shows: `cortexflow nodes --plugin ./my-plugin.ts` (the CLI's main, in process).
    const { main } = await import('../../cli/main.ts');
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    let code: number;
    try {
      code = await main(['nodes', '--plugin', file]);
    } finally {
      out.mockRestore();
    }
    expect(code).toBe(0);
    expect(stdout).toMatch(/demo\.recurrent-norm\s+Recurrent weight norm\s+\(model: Model\) -> \(norm: Number\)/);

    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const r = new Registry({
      onWarning: (m) => {
        throw new Error(m);
      },
    });
    registerBuiltins(r);
    expect(installPlugin('my-plugin.ts', mod, r)).toMatchObject({
      name: 'demo-plugin',
      blocks: ['demo.recurrent-norm'],
    });
  });

  it('the testing sample passes against the sample plugin', async () => {
    mkdirSync(DIR, { recursive: true });
    if (!existsSync(join(DIR, 'my-plugin.ts'))) writeFileSync(join(DIR, 'my-plugin.ts'), codeBlock('plugin-sample'));
    // The sample registers tests with `it`; collect them here and run them inside this test.
    writeFileSync(
      join(DIR, 'vitest-shim.ts'),
      "export { expect } from 'vitest';\nexport const collected: Array<[string, () => unknown]> = [];\nexport function it(name: string, fn: () => unknown): void { collected.push([name, fn]); }\n",
    );
    const test = codeBlock('plugin-test');
    expect(test).toContain("from 'vitest'");
    writeFileSync(join(DIR, 'sample.ts'), test.replace("from 'vitest'", "from './vitest-shim.ts'"));
    await import(pathToFileURL(join(DIR, 'sample.ts')).href);
    const shim = (await import(pathToFileURL(join(DIR, 'vitest-shim.ts')).href)) as {
      collected: Array<[string, () => unknown]>;
    };
    expect(shim.collected.length).toBeGreaterThan(0);
    for (const [, fn] of shim.collected) await fn();
  });

  it('the example plugin packages follow the publishing section', () => {
    const names = readdirSync(join(process.cwd(), 'plugins'));
    expect(names).toEqual(expect.arrayContaining(['dale', 'mante-task']));
    for (const n of names) {
      const dir = join(process.cwd(), 'plugins', n);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg.name).toMatch(/^cortexflow-plugin-/);
      expect(pkg.type).toBe('module');
      expect(pkg.keywords).toContain('cortexflow-plugin');
      expect(pkg.peerDependencies?.cortexflow).toBeDefined();
      expect(existsSync(join(dir, pkg.exports['.']))).toBe(true);
      expect(existsSync(join(dir, 'README.md'))).toBe(true);
      // Only the public API: no relative imports reaching into cortexflow's own folders.
      for (const f of readdirSync(join(dir, 'src'))) {
        const src = readFileSync(join(dir, 'src', f), 'utf8');
        expect(src, `${n}/src/${f}`).not.toMatch(/from '\.\.\/\.\.\//);
        for (const m of src.matchAll(/from '(cortexflow[^']*)'/g))
          expect(['cortexflow/core', 'cortexflow/nodes']).toContain(m[1]);
      }
    }
  });
});
