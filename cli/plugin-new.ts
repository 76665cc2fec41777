/**
 * `cortexflow plugin new NAME`: a ready plugin package in ./NAME, written exactly as docs/plugins.md
 * describes: package.json with "type": "module" and "exports", one block (src/index.ts), one test
 * (node:test through tsx, which cortexflow brings, so nothing else needs installing), an example
 * pipeline, a README. `npm install` there, then `npx cortexflow run example.json --plugin .`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A bad name or an occupied folder: exit code 2. */
export class PluginNewError extends Error {
  override name = 'PluginNewError';
}

/** This cortexflow's version (package.json). */
export function cortexflowVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/** The files of a new plugin package, by relative path. */
export function pluginTemplate(name: string, version = cortexflowVersion()): Record<string, string> {
  const family = name.replace(/^cortexflow-plugin-/, '');
  const pkgName = name.startsWith('cortexflow-plugin-') ? name : `cortexflow-plugin-${name}`;
  const type = `${family}.input-gain`;
  const pkg = {
    name: pkgName,
    version: '0.1.0',
    description: `cortexflow plugin ${family}: ${type} scales a dataset's input channels`,
    type: 'module',
    keywords: ['cortexflow-plugin'],
    exports: { '.': './src/index.ts' },
    files: ['src', 'README.md', 'example.json'],
    scripts: { test: 'node --import tsx --test test/block.test.ts' },
    peerDependencies: { cortexflow: `>=${version}` },
    devDependencies: { cortexflow: `^${version}` },
  };
  const index = `/**
 * ${pkgName}: one block, ${type}. Written against the public API only (cortexflow/core for the block
 * API, cortexflow/nodes for the science port types), as docs/plugins.md in cortexflow describes.
 */
import { defineBlock, input, num, schema } from 'cortexflow/core';
import { DatasetPort, type Dataset } from 'cortexflow/nodes';

export const inputGain = defineBlock({
  type: '${type}',
  version: 1,
  title: 'Input gain',
  category: 'Tasks',
  description: 'Multiplies every input channel of a dataset (and of its probe) by a gain; targets and mask are unchanged.',
  inputs: { dataset: input(DatasetPort) },
  outputs: { dataset: DatasetPort },
  params: schema({ gain: num(-100, 100, 2, { description: 'Factor applied to every input value.' }) }),
  run: async ({ params, inputs, signal, progress }) => {
    const scale = (d: Dataset): Dataset => {
      const x = new Float32Array(d.inputs.length);
      const per = d.T * d.channels;
      for (let s = 0; s < d.samples; s++) {
        if (signal.aborted) throw new Error('cancelled');
        for (let i = s * per; i < (s + 1) * per; i++) x[i] = (d.inputs[i] as number) * params.gain;
        progress(s + 1, d.samples);
      }
      return {
        ...d,
        inputs: x,
        ...(d.probe ? { probe: { ...d.probe, inputs: d.probe.inputs.map((v) => v * params.gain) } } : {}),
        provenance: { ...d.provenance, inputGain: params.gain },
      };
    };
    return { dataset: scale(inputs.dataset) };
  },
});

export const apiVersion = 1; // the core API this plugin is written against
export const name = '${pkgName}';
export const blocks = [inputGain];
`;
  const test = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectBlock } from 'cortexflow/core';
import { makeDataset } from 'cortexflow/nodes';
import { inputGain } from '../src/index.ts';

const dataset = makeDataset({ samples: 2, T: 3, channels: 1, outputs: 1, inputs: new Float32Array([1, 2, 3, 4, 5, 6]) });

test('${type} scales the inputs, reports progress and stops when cancelled', async () => {
  await expectBlock(
    inputGain,
    { params: { gain: 3 }, inputs: { dataset } },
    {
      outputs: (o: { dataset: { inputs: Float32Array } }) =>
        assert.deepEqual(Array.from(o.dataset.inputs), [3, 6, 9, 12, 15, 18]),
      progress: { count: 2, completes: true },
      warnings: [],
    },
  );
  await expectBlock(inputGain, { inputs: { dataset }, abortAfterProgress: 1 }, { error: 'cancelled' });
  assert.equal(inputGain.category, 'Tasks');
});
`;
  const example = {
    format: 'cortexflow/pipeline',
    version: 1,
    name: `${family}: AND trials with a gain on the inputs`,
    plugins: [pkgName],
    nodes: [
      { id: 'task', type: 'task.and', params: { samples: 40, T: 60, stimStart: 5, seed: 1 } },
      { id: 'gain', type: type, params: { gain: 2 } },
    ],
    edges: [{ from: { node: 'task', port: 'dataset' }, to: { node: 'gain', port: 'dataset' } }],
  };
  const readme = `# ${pkgName}

A [cortexflow](https://www.npmjs.com/package/cortexflow) plugin with one block, \`${type}\`.

    npm install                                        # cortexflow (a peer and dev dependency)
    npm test                                           # node:test through tsx
    npx cortexflow nodes --plugin .                    # lists ${type}
    npx cortexflow run example.json --plugin .         # AND trials, inputs doubled

Add blocks to \`src/index.ts\` (and to its \`blocks\` list); see cortexflow's docs/plugins.md.
`;
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'src/index.ts': index,
    'test/block.test.ts': test,
    'example.json': `${JSON.stringify(example, null, 2)}\n`,
    'README.md': readme,
  };
}

/** Write the package into `dir` (default ./NAME); returns the folder and the files written. */
export function pluginNew(name: string, dir?: string): { folder: string; files: string[] } {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name))
    throw new PluginNewError(
      `plugin name "${name.slice(0, 80)}": use lowercase letters, digits and dashes (an npm name; it is also the block family, e.g. "my-task")`,
    );
  const folder = resolve(dir ?? name);
  if (existsSync(folder) && readdirSync(folder).length > 0)
    throw new PluginNewError(`${folder} exists and is not empty; choose another NAME or --dir`);
  const files = pluginTemplate(name);
  for (const [rel, text] of Object.entries(files)) {
    const p = join(folder, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
  return { folder, files: Object.keys(files) };
}
