/** `cortexflow validate` and `cortexflow nodes`: check a pipeline, list the blocks. */
import { formatErrors, toJsonSchema, type InputSpec, type PortType } from '../core/index.ts';
import { makeRegistry, readPipeline } from './pipeline-load.ts';

export async function validateCommand(
  file: string,
  opts: { set: string[]; plugin: string[]; json?: boolean },
): Promise<number> {
  const { registry } = await makeRegistry(opts.plugin);
  const loaded = await readPipeline(file, registry, opts.set);
  if ('errors' in loaded) {
    if (opts.json) process.stdout.write(`${JSON.stringify({ valid: false, file, errors: loaded.errors }, null, 2)}\n`);
    else process.stderr.write(`${file}: invalid pipeline:\n${formatErrors(loaded.errors)}\n`);
    return 2;
  }
  const { pipeline, warnings } = loaded;
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify({ valid: true, file, name: pipeline.name, nodes: pipeline.nodes.length, edges: pipeline.edges.length, warnings }, null, 2)}\n`,
    );
  else {
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(
      `${file}: valid ("${pipeline.name}", ${pipeline.nodes.length} nodes, ${pipeline.edges.length} edges)\n`,
    );
  }
  return 0;
}

export async function nodesCommand(opts: { plugin: string[]; json?: boolean }): Promise<number> {
  const { registry } = await makeRegistry(opts.plugin);
  if (opts.json) {
    const list = registry.list().map((b) => ({
      type: b.type,
      version: b.version,
      category: b.category,
      title: b.title,
      description: b.description,
      inputs: Object.fromEntries(
        Object.entries(b.inputs as Record<string, InputSpec>).map(([k, i]) => [
          k,
          { type: i.type.name, multiple: i.multiple, optional: i.optional, accepts: i.accepts },
        ]),
      ),
      outputs: Object.fromEntries(
        Object.entries(b.outputs as Record<string, PortType>).map(([k, p]) => [k, { type: p.name }]),
      ),
      params: toJsonSchema(b.params),
    }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  for (const [cat, blocks] of registry.byCategory()) {
    process.stdout.write(`${cat}\n`);
    for (const b of blocks) {
      const ins = Object.entries(b.inputs as Record<string, InputSpec>)
        .map(([k, i]) => `${k}: ${i.type.name}${i.multiple ? '[]' : ''}${i.optional ? '?' : ''}`)
        .join(', ');
      const outs = Object.entries(b.outputs as Record<string, PortType>)
        .map(([k, p]) => `${k}: ${p.name}`)
        .join(', ');
      process.stdout.write(`  ${b.type.padEnd(26)} ${b.title}  (${ins || '-'}) -> (${outs || '-'})\n`);
    }
  }
  return 0;
}
