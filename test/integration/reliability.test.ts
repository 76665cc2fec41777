/**
 * Every stop honoured, nothing lost, nothing mixed (issue 14, items 3, 4, 5, 7, 8): the real CLI
 * spawned as a user runs it, killed and interrupted in the middle of real work.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runCli, type CliResult } from './run-cli.ts';

const HOSTILE = 'test/fixtures/hostile-plugin.ts';
const P = (f: string) => `test/fixtures/pipelines/${f}`;
const tmp = () => mkdtempSync(join(tmpdir(), 'cortexflow-reliability-'));
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name), base) : [join(dir, d.name).slice(base.length + 1)],
  );
}

/** Run the CLI with --json; send `signal` once `when` holds for its stdout; time from signal to exit. */
async function interrupt(
  args: string[],
  when: (stdout: string) => boolean,
  signal: NodeJS.Signals = 'SIGINT',
  delayMs = 300,
): Promise<CliResult & { afterSignalMs: number }> {
  let sentAt = 0;
  const r = await runCli(args, {
    onOutput: (o, kill) => {
      if (sentAt === 0 && when(o.stdout)) {
        sentAt = -1;
        setTimeout(() => {
          sentAt = Date.now();
          kill(signal);
        }, delayMs);
      }
    },
  });
  return { ...r, afterSignalMs: sentAt > 0 ? Date.now() - sentAt : NaN };
}

/** Spawn the CLI; poll `when` every 200 ms and send `signal` once it holds (then wait for the exit). */
function signalWhen(args: string[], when: () => boolean, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
    const poll = setInterval(() => {
      if (when()) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 200);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve(code);
    });
  });
}

const running = (node: string) => (s: string) => s.includes(`"type":"node-running","data":{"node":"${node}"`);

/** Processes whose command line mentions `text` (Linux /proc). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text)) pids.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return pids;
}

describe('Ctrl-C during heavy compute ends the run within 5 s, manifest "cancelled"', () => {
  const cases: Array<[string, string, string, string[]]> = [
    ['model creation at units 4096', 'heavy-model.json', 'net', []],
    ['a fixed-point search with a large budget', 'heavy-fixed-points.json', 'fp', []],
    ['a plugin block in a busy loop', 'hostile-busy.json', 'spin', ['--plugin', HOSTILE]],
  ];
  for (const [what, file, node, extra] of cases)
    it(what, async () => {
      const out = tmp();
      const r = await interrupt(['run', P(file), '--out', out, '--json', ...extra], running(node));
      expect(r.code, r.stderr).toBe(130);
      expect(r.afterSignalMs).toBeLessThan(5000);
      const m = manifest(out);
      expect(m.status).toBe('cancelled');
      expect(m.nodes[node].status).toBe('cancelled');
      expect(walk(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
      expect(existsSync(join(out, '.cortexflow', 'lock'))).toBe(false);
    });

  it('SIGTERM too; a block holding a timer does not keep the process alive', async () => {
    const out = tmp();
    const r = await interrupt(
      ['run', P('hostile-timer.json'), '--plugin', HOSTILE, '--out', out, '--json'],
      running('held'),
      'SIGTERM',
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.afterSignalMs).toBeLessThan(5000);
    expect(manifest(out).nodes.held.status).toBe('cancelled');
  });
});

describe('blocks that never end', () => {
  it('a promise that can never settle fails its node with a message (not a silent exit 13)', async () => {
    const out = tmp();
    const r = await runCli(['run', P('hostile-never.json'), '--plugin', HOSTILE, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const m = manifest(out);
    expect(m.status).toBe('failed');
    expect(m.nodes.stuck.status).toBe('failed');
    expect(m.nodes.stuck.error).toContain('never finished');
    expect(m.nodes.after.status).toBe('skipped');
    expect(m.nodes.other.status).toBe('done');
    expect(r.stderr).toContain('[stuck] FAILED: never finished');
  });

  it('--node-timeout fails a node that does not yield, and one that waits', async () => {
    const busy = tmp();
    const r = await runCli(['run', P('hostile-busy.json'), '--plugin', HOSTILE, '--out', busy, '--node-timeout', '1']);
    expect(r.code, r.stderr).toBe(1); // the block spins for 600 s: only the time limit ended it
    expect(manifest(busy).nodes.spin).toMatchObject({ status: 'failed' });
    expect(manifest(busy).nodes.spin.error).toContain('--node-timeout (1 s)');
    const bad = await runCli(['run', P('hostile-busy.json'), '--plugin', HOSTILE, '--node-timeout', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--node-timeout "-3"');
  });
});

describe('the output folder', () => {
  it('a second run into a busy folder is refused, naming the holder; the first is untouched', async () => {
    const out = tmp();
    const first = spawn(
      process.execPath,
      [BIN, 'run', P('step-chain.json'), '--plugin', HOSTILE, '--out', out, '--json', '--set', 's6.ms=60000'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let firstOut = '';
    const started = new Promise<void>((resolve) =>
      first.stdout.on('data', (d: Buffer) => {
        firstOut += d.toString();
        if (firstOut.includes('"node-running"')) resolve();
      }),
    );
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    await started;
    const second = await runCli(['run', P('diamond.json'), '--plugin', 'test/fixtures/test-plugin.ts', '--out', out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`in use by another cortexflow run (pid ${first.pid}`);
    first.kill('SIGINT');
    expect(await firstDone).toBe(130);
    const m = manifest(out);
    expect(m.status).toBe('cancelled');
    expect(m.pipeline).toBe('A chain of slow steps');
    // Only the first run's files: nothing of the diamond pipeline (a/, b/, sum/, report/).
    expect(walk(out).filter((f) => !/^s\d\//.test(f) && !f.startsWith('.cortexflow/'))).toEqual(['manifest.json']);
  });

  it('--out "" , an existing file and an unwritable folder are usage errors before anything runs', async () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, 'x');
    for (const [out, msg] of [
      ['', '--out "": expected a folder path'],
      [file, 'this is an existing file, not a folder'],
      ['/proc/nope', 'cannot create the results folder'],
    ] as const) {
      const r = await runCli(['run', P('hostile-busy.json'), '--plugin', HOSTILE, '--out', out]);
      expect(r.code, out).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).not.toContain('run: ');
    }
  });
});

describe('SIGKILL mid-run, then --resume', () => {
  it('nothing marked done is missing; nothing finished is computed again', async () => {
    const out = tmp();
    const args = ['run', P('step-chain.json'), '--plugin', HOSTILE, '--out', out, '--json'];
    const killed = await interrupt(args, (s) => s.includes('"type":"node-done","data":{"node":"s3"'), 'SIGKILL', 50);
    expect(killed.code).toBe(null);
    const m = manifest(out);
    expect(m.status).toBe('running'); // killed: "running", with the pid that no longer runs
    expect(typeof m.pid).toBe('number');
    const done = Object.entries(
      m.nodes as Record<string, { status: string; outputs: Record<string, { files: string[] }> }>,
    )
      .filter(([, n]) => n.status === 'done')
      .map(([id, n]) => {
        for (const o of Object.values(n.outputs))
          for (const f of o.files) expect(existsSync(join(out, f)), f).toBe(true);
        return id;
      });
    expect(done.length).toBeGreaterThanOrEqual(2);

    // A temporary file as a write cut short by the kill leaves it: the next run removes it.
    writeFileSync(join(out, 'manifest.json.tmp-999999-1'), '{"half": ');
    const resumed = await runCli(['run', '--resume', out, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('removed 1 temporary file(s) a killed run left');
    expect(resumed.stderr).toContain(
      `(its run (pid ${m.pid}) was interrupted): ${done.length} finished node(s) reused`,
    );
    const events = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { node?: string } });
    for (const id of done) {
      expect(
        events.some((e) => e.type === 'node-cached' && e.data.node === id),
        id,
      ).toBe(true);
      expect(
        events.some((e) => e.type === 'node-running' && e.data.node === id),
        id,
      ).toBe(false);
    }
    const after = manifest(out);
    expect(after.status).toBe('done');
    for (let i = 1; i <= 6; i++) {
      expect(after.nodes[`s${i}`].status).toBe(done.includes(`s${i}`) ? 'cached' : 'done');
      expect(JSON.parse(readFileSync(join(out, `s${i}`, 'value.json'), 'utf8'))).toBe(i);
    }
    expect(walk(out).filter((f) => f.includes('.tmp-') || f.startsWith('.cortexflow'))).toEqual([]);
  });
});

describe('sweep', () => {
  const sweepArgs = (out: string, seeds: string) => [
    'sweep',
    P('seeded.json'),
    '--plugin',
    'test/fixtures/test-plugin.ts',
    '--seeds',
    seeds,
    '--set',
    's.ms=60000',
    '--workers',
    '3',
    '--out',
    out,
  ];
  /** Every run started and reached its node (its manifest says the node is running). */
  const allRunning = (out: string, n: number) => (): boolean => {
    try {
      const dirs = readdirSync(join(out, 'runs'));
      return dirs.length === n && dirs.every((d) => manifest(join(out, 'runs', d)).nodes?.s?.status === 'running');
    } catch {
      return false;
    }
  };

  it('SIGTERM to the sweep: its runs stop (no orphans) and the table of what finished is written', async () => {
    const out = tmp();
    const code = await signalWhen(sweepArgs(out, '1..3'), allRunning(out, 3), 'SIGTERM');
    expect(code).toBe(130);
    expect(processesMentioning(join(out, 'runs'))).toEqual([]);
    const table = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(table.runs.map((r: { status: string }) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8').split('\n')[0]).toMatch(/^run,seed,status/);
  });

  it('a SIGKILLed sweep leaves no run behind', async () => {
    const out = tmp();
    const code = await signalWhen(sweepArgs(out, '1..2'), allRunning(out, 2), 'SIGKILL');
    expect(code).toBe(null);
    const deadline = Date.now() + 15_000;
    while (processesMentioning(join(out, 'runs')).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(processesMentioning(join(out, 'runs'))).toEqual([]);
    for (const d of readdirSync(join(out, 'runs'))) expect(manifest(join(out, 'runs', d)).status).toBe('cancelled');
  });
});

describe('pipes', () => {
  it('nodes --json | head: no EPIPE stack trace', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const sh = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" nodes --json | head -c 10`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      sh.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      sh.stdout.resume();
      sh.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
