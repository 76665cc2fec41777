/**
 * The `cortexflow` command line: run, validate and list pipelines' blocks headless. This module
 * declares the commands and their flags; each command's logic is in its own module.
 *
 * Exit codes: 0 everything done; 1 a node failed; 2 invalid usage or invalid pipeline (nothing
 * ran); 130 cancelled with Ctrl-C (the manifest marks what was cancelled).
 */
import { Command, CommanderError, Option } from 'commander';
import { ALLOW_URLS_ENV } from '../nodes/lib/files.ts';
import { exportCommand, ExportUsageError } from './export.ts';
import { nodesCommand, validateCommand } from './inspect.ts';
import { collect, UsageError } from './pipeline-load.ts';
import { cortexflowVersion, pluginNew, PluginNewError } from './plugin-new.ts';
import { registerQueueCommands } from './queue/commands.ts';
import { runCommand, type RunOptions } from './run-command.ts';
import { sweepCommand, type SweepCliOptions } from './sweep-command.ts';

export { makeRegistry, readPipeline } from './pipeline-load.ts';

/** Build the command-line program. `setExit` receives the exit code of the command that ran. */
export function program(setExit: (code: number) => void): Command {
  const p = new Command('cortexflow')
    .description('Run, validate and inspect cortexflow pipelines headless.')
    .version(cortexflowVersion(), '-V, --version', 'print the cortexflow version')
    .exitOverride()
    .showHelpAfterError();
  const allowUrls = (): void => {
    // Read by the blocks that fetch (model.load), in this process and in sweep workers.
    process.env[ALLOW_URLS_ENV] = '1';
  };
  p.command('run')
    .description('run a pipeline; write artifacts and manifest.json to --out')
    .argument('[pipeline]', 'pipeline JSON file (with --resume: default, the one the run was started with)')
    .option('-o, --out <dir>', 'results folder (default runs/<pipeline-name>-<timestamp>/); locked while the run lasts')
    .option(
      '--resume <dir>',
      'continue the run in this results folder: nodes it finished (same type, version, params and inputs) are reused, the rest computed',
    )
    .option('--node-timeout <seconds>', 'fail a node that runs longer than this')
    .option(
      '-s, --set <node.param=value>',
      'override a param (repeatable); value parsed as JSON when it parses',
      collect,
      [],
    )
    .option('-p, --plugin <path|package>', 'load a plugin module first (repeatable)', collect, [])
    .option('-t, --target <node>', 'run only what this node needs (repeatable)', collect, [])
    .addOption(new Option('-b, --backend <name>', 'tfjs backend for compute blocks').choices(['wasm', 'cpu']))
    .option('--json', 'print NDJSON run events on stdout instead of progress bars')
    .option(
      '--max-artifact-mb <mb>',
      'do not write an output whose files together are larger than this (listed with the command that writes it); 0 = no limit',
      '64',
    )
    .option(
      '--artifacts <spec>',
      'which outputs to write: default (all within --max-artifact-mb), all, none, NODE[.PORT],..., -NODE[.PORT],... (docs/cli.md)',
    )
    .option('--store <dir>', 'keep shared files (datasets) once per content in this folder, hard-linked into the run folder')
    .option('--allow-urls', 'let blocks fetch http(s) URLs named in the pipeline (model.load); off by default')
    .action(async (file: string | undefined, o: RunOptions & { allowUrls?: boolean }) => {
      if (o.allowUrls) allowUrls();
      setExit(await runCommand(file, o));
    });
  p.command('validate')
    .description('check a pipeline file without running it')
    .argument('<pipeline>', 'pipeline JSON file')
    .option('-s, --set <node.param=value>', 'override a param (repeatable)', collect, [])
    .option('-p, --plugin <path|package>', 'load a plugin module first (repeatable)', collect, [])
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { set: string[]; plugin: string[]; json?: boolean }) =>
      setExit(await validateCommand(file, o)),
    );
  p.command('sweep')
    .description('run a pipeline for many seeds and/or a params grid; resumable; one table of results')
    .argument('<pipeline>', 'pipeline JSON file, or status|collect|cancel (with --queue) followed by the sweep id')
    .argument('[sweep]', 'the sweep id, for status|collect|cancel')
    .option('--seeds <list>', 'seeds, e.g. 1..20 or 1,2,5: every "seed" param of the pipeline is set to each')
    .option(
      '--seed-nodes <ids>',
      "with --seeds: only these nodes' seeds vary (e.g. net,train: every run trains on the same data, stored once)",
    )
    .option(
      '-g, --grid <node.param=v1,v2>',
      'a grid axis (repeatable; the runs are the cartesian product)',
      collect,
      [],
    )
    .option('-s, --set <node.param=value>', 'override a param in every run (repeatable)', collect, [])
    .option('-p, --plugin <path|package>', 'load a plugin module (repeatable)', collect, [])
    .option('-w, --workers <k>', 'parallel runs (default: number of cores)')
    .option('-o, --out <dir>', 'sweep folder (default runs/sweep-<pipeline-name>/); re-running resumes it')
    .option('--artifacts <spec>', "each run's --artifacts (docs/cli.md); datasets are kept once in SWEEP/store/")
    .addOption(new Option('-b, --backend <name>', 'tfjs backend for compute blocks').choices(['wasm', 'cpu']))
    .option('--allow-urls', 'let blocks fetch http(s) URLs named in the pipeline (model.load); off by default')
    .option(
      '-q, --queue <url>',
      'run on a BullMQ queue served by `cortexflow worker`s: redis://[:PASSWORD@]HOST:PORT/DB or rediss://',
    )
    .option('--detach', 'with --queue: submit and return at once')
    .option('--attempts <n>', 'with --queue: attempts of a failing run before it is a failed row', '1')
    .option('--store <dir>', 'collect: copy the run folders from this worker store')
    .option('--json', 'status: print JSON')
    .action(async (file: string, sweepId: string | undefined, o: SweepCliOptions & { allowUrls?: boolean }) => {
      if (o.allowUrls) allowUrls();
      setExit(await sweepCommand(file, sweepId, o));
    });
  registerQueueCommands(p, setExit);
  p.command('nodes')
    .description('list every block type with its ports (and params as JSON Schema with --json)')
    .option('-p, --plugin <path|package>', 'load a plugin module first (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (o: { plugin: string[]; json?: boolean }) => setExit(await nodesCommand(o)));
  p.command('export')
    .description(
      'write a saved model (model.json, its folder, or a Keras .h5) for Python: Keras HDF5, safetensors or .npz',
    )
    .argument('<model>', 'model.json, the folder holding one, or a Keras .h5 file')
    .addOption(
      new Option('--to <format>', 'target format (see docs/python.md)')
        .choices(['keras', 'safetensors', 'npz'])
        .makeOptionMandatory(),
    )
    .option('-o, --out <file>', 'output file (default: next to the model, model.h5 / model.safetensors / model.npz)')
    .option('-f, --force', 'replace the output file if it exists')
    .action(async (model: string, o: { to: string; out?: string; force?: boolean }) => {
      try {
        setExit(await exportCommand(model, o, (l) => process.stderr.write(`${l}\n`)));
      } catch (e) {
        if (e instanceof ExportUsageError) throw new UsageError(e.message);
        throw e;
      }
    });
  p.command('plugin')
    .description('plugin tools')
    .command('new')
    .description('write a ready plugin package (package.json, one block, one test, an example pipeline) into ./NAME')
    .argument('<name>', 'plugin name: lowercase letters, digits, dashes (also the block family)')
    .option('-d, --dir <folder>', 'where to write it (default ./NAME)')
    .action((name: string, o: { dir?: string }) => {
      try {
        const { folder, files } = pluginNew(name, o.dir);
        process.stdout.write(
          `wrote ${folder}: ${files.join(', ')}\nnext: cd ${folder} && npm install && npm test && npx cortexflow run example.json --plugin .\n`,
        );
        setExit(0);
      } catch (e) {
        if (e instanceof PluginNewError) throw new UsageError(e.message);
        throw e;
      }
    });
  return p;
}

/** Entry point: parse argv, run, return the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const p = program((c) => {
    code = c;
  });
  try {
    await p.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`cortexflow: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`cortexflow: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
