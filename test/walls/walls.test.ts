import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { readSources, reachableImports, staticImportsOf, wallViolations } from './walls.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('layer walls (docs/DEVELOPING.md)', () => {
  it('no source crosses a wall', () => {
    const files = readSources(root);
    expect(files.size).toBeGreaterThan(100);
    expect(wallViolations(files).map((v) => v.message)).toEqual([]);
  });

  it('fails on a synthetic violation of each wall', () => {
    const files = readSources(root);
    files.set('core/bad.ts', "import { builtinBlocks } from '../nodes/index.ts';\nconst x = await import('../cli/main.ts');");
    files.set('nodes/lib/bad.ts', "export * from '../../editor/src/app.ts';");
    files.set('cli/bad.ts', "import '../editor/src/graph.ts';");
    files.set('editor/src/bad.ts', "import { main } from '../../cli/main.ts';");
    files.set('plugins/x/src/bad.ts', "import { defineBlock } from '../../../core/index.ts';");
    const v = wallViolations(files);
    expect(v.map((x) => [x.file, x.imports])).toEqual([
      ['core/bad.ts', '../nodes/index.ts'],
      ['core/bad.ts', '../cli/main.ts'],
      ['nodes/lib/bad.ts', '../../editor/src/app.ts'],
      ['cli/bad.ts', '../editor/src/graph.ts'],
      ['editor/src/bad.ts', '../../cli/main.ts'],
      ['plugins/x/src/bad.ts', '../../../core/index.ts'],
    ]);
  });

  it('product code imports no test helper; the tests beside it may', () => {
    const files = readSources(root);
    files.set('nodes/plot/bad.ts', "import * as td from '../../test/fixtures/port-values.ts';");
    files.set('editor/src/bad.ts', "import { startEditor } from '../../test/e2e/editor-server.ts';");
    files.set('nodes/plot/ok.test.ts', "import * as td from '../../test/fixtures/port-values.ts';");
    expect(wallViolations(files).map((x) => [x.file, x.imports])).toEqual([
      ['nodes/plot/bad.ts', '../../test/fixtures/port-values.ts'],
      ['editor/src/bad.ts', '../../test/e2e/editor-server.ts'],
    ]);
  });

  it('cortexflow/ports and the core entry import no tfjs, d3 or h5wasm', () => {
    const files = readSources(root);
    for (const entry of ['nodes/ports-entry.ts', 'core/index.ts']) {
      const heavy = reachableImports(files, entry).filter((s) => /^(@tensorflow|d3|h5wasm)/.test(s));
      expect(heavy, entry).toEqual([]);
    }
    files.set('nodes/ports/bad.ts', "import * as tf from '@tensorflow/tfjs-core';");
    files.set('nodes/ports-entry.ts', `${files.get('nodes/ports-entry.ts') ?? ''}\nexport * from './ports/bad.ts';`);
    expect(reachableImports(files, 'nodes/ports-entry.ts')).toContain('@tensorflow/tfjs-core');
  });

  it('starting the CLI loads no tfjs, d3, h5wasm, resvg, DOM shim or queue client (blocks load them when they run)', () => {
    const files = readSources(root);
    const heavy = /^(@tensorflow|d3|h5wasm|@resvg|linkedom|bullmq|ioredis|express|@bull-board)/;
    expect(reachableImports(files, 'cli/main.ts', staticImportsOf).filter((s) => heavy.test(s))).toEqual([]);
    // A block that imports tfjs at the top of its file would load it at every start-up: caught.
    files.set('nodes/plot/bad.ts', "import * as tf from '@tensorflow/tfjs-core';");
    files.set('nodes/plot/index.ts', `${files.get('nodes/plot/index.ts') ?? ''}\nimport './bad.ts';`);
    expect(reachableImports(files, 'cli/main.ts', staticImportsOf)).toContain('@tensorflow/tfjs-core');
  });
});


describe('the repository tracks no symbolic links', () => {
  // A worktree sharing another's node_modules or runs through a symlink once committed it: a clone
  // then got a self-referencing link, and checking the commit out replaced the real (ignored) folders.
  it('git ls-files has no entry of mode 120000', () => {
    const r = spawnSync('git', ['ls-files', '-s'], { cwd: root, encoding: 'utf8' });
    expect(r.status, `git ls-files failed: ${r.stderr}`).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.filter((l) => l.startsWith('120000 ')).map((l) => l.split('\t')[1])).toEqual([]);
  });
});
