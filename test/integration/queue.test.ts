/**
 * Distributed sweeps on BullMQ with real processes: a redis-server of our own on a random 127.0.0.1
 * port, `cortexflow worker`s and submitters. Faults: a worker SIGKILLed mid-run, a run that throws,
 * Redis restarted mid-sweep (append-only file on), a worker stopped with SIGTERM, Ctrl-C on the
 * submitter. Every wait is bounded. Skipped (loudly) without redis-server, except under CI=true.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { CliProcess, haveRedis, RedisProcess, starts, until, worker } from './queue-helpers.ts';
import { runCli } from './run-cli.ts';
import { cortexflowVersion, QUEUE_NAME } from '../../cli/queue/jobs.ts';

const PLUGIN = 'test/fixtures/test-plugin.ts';
const PIPE = 'test/fixtures/pipelines/seeded.json';
const CI = process.env['CI'] === 'true';
const HAVE = haveRedis();
if (!HAVE)
  process.stderr.write(
    `\n${'!'.repeat(78)}\nQUEUE TESTS ${CI ? 'FAIL' : 'SKIPPED'}: redis-server is not installed ` +
      `(apt-get install -y redis-server; .ci/run does it)\n${'!'.repeat(78)}\n`,
  );

const tmp = (p: string): string => mkdtempSync(join(tmpdir(), p));
const SLOW = 240_000;

/** Every process a test started, stopped at its end even when it fails. */
const procs: CliProcess[] = [];
const track = (p: CliProcess): CliProcess => {
  procs.push(p);
  return p;
};
const w = (url: string, store: string, extra: string[] = []): CliProcess =>
  track(worker(url, store, ['--plugin', PLUGIN, ...extra]));
const submit = (url: string, out: string, extra: string[]): CliProcess =>
  track(new CliProcess(['sweep', PIPE, '--plugin', PLUGIN, '--queue', url, '--out', out, ...extra]));

interface Row {
  run: string;
  status: string;
  error?: string;
  values: Record<string, number>;
}
const table = (out: string): Row[] =>
  (JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { runs: Row[] }).runs;
const sweepIdOf = (stderr: string): string => /sweep (\S+): \d+ runs on/.exec(stderr)?.[1] ?? 'no-sweep-id';

describe.skipIf(!HAVE && !CI)('cortexflow sweep --queue / worker (BullMQ on a real redis-server)', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    if (!HAVE) throw new Error('CI=true but redis-server is not installed; .ci/run must install it');
    redis = await RedisProcess.start({ appendonly: true });
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await redis?.down();
  });

  it(
    'two workers: a failing seed is a failed row after its attempts, the rest finish; the table is bit-identical to the local mode; resubmitting adds nothing',
    async () => {
      const store = tmp('cf-store-');
      const out = tmp('cf-out-');
      const workers = [w(redis.url, store), w(redis.url, store)];
      await Promise.all(workers.map((x) => x.waitFor(/serving/)));
      const s = submit(redis.url, out, ['--seeds', '1..4', '--set', 's.failOn=3', '--attempts', '2']);
      expect(await s.exited).toBe(1);
      expect(s.stderr).toContain('run seed-3: failed: s: seed 3 fails on purpose');
      const rows = table(out);
      expect(rows.map((r) => [r.run, r.status])).toEqual([
        ['seed-1', 'done'],
        ['seed-2', 'done'],
        ['seed-3', 'failed'],
        ['seed-4', 'done'],
      ]);
      expect(rows[3]?.values['s.value.value']).toBe(12);
      const id = sweepIdOf(s.stderr);
      const n = starts(workers);
      expect(n.get(`${id}.seed-3`)).toBe(2); // --attempts 2
      for (const k of [1, 2, 4]) expect(n.get(`${id}.seed-${k}`)).toBe(1);

      // The local mode on the same run folders writes the same bytes.
      const local = tmp('cf-local-');
      cpSync(join(store, id), local, { recursive: true });
      const r = await runCli([
        'sweep',
        PIPE,
        '--plugin',
        PLUGIN,
        '--seeds',
        '1..4',
        '--set',
        's.failOn=3',
        '--out',
        local,
      ]);
      expect(r.stderr).toContain('4 already finished, 0 to run');
      const files = readdirSync(out).filter((f) => f.startsWith('sweep.'));
      expect(files).toEqual(expect.arrayContaining(['sweep.csv', 'sweep.json', 'sweep.s.value.value.svg']));
      for (const f of files) expect(readFileSync(join(out, f)), f).toEqual(readFileSync(join(local, f)));

      // Submitting again: nothing new is queued, the table comes straight back.
      const again = submit(redis.url, tmp('cf-out-'), ['--seeds', '1..4', '--set', 's.failOn=3', '--attempts', '2']);
      expect(await again.exited).toBe(1);
      expect(again.stderr).toContain('0 queued now, 4 already queued or finished');
      expect(sweepIdOf(again.stderr)).toBe(id);
      expect(starts(workers).get(`${id}.seed-1`)).toBe(1);
    },
    SLOW,
  );

  it(
    'a worker SIGKILLed mid-run: its run returns through stalled detection, runs once more elsewhere, and is in the table once',
    async () => {
      const store = tmp('cf-store-');
      const out = tmp('cf-out-');
      const a = w(redis.url, store);
      await a.waitFor(/serving/);
      const s = submit(redis.url, out, ['--seeds', '11..13', '--set', 's.ms=2500']);
      await a.waitFor(/: start \S+ \(attempt 1\)/);
      const victim = /: start (\S+) \(attempt 1\)/.exec(a.stderr)?.[1] as string;
      const b = w(redis.url, store);
      await new Promise((r) => setTimeout(r, 1000));
      await a.stop('SIGKILL');
      expect(await s.exited).toBe(0);
      const rows = table(out);
      expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done']);
      expect(rows.map((r) => r.run)).toEqual(['seed-11', 'seed-12', 'seed-13']);
      const n = starts([a, b]);
      expect(n.get(victim)).toBe(2);
      expect(b.stderr).toContain(`done ${victim}`);
      expect([...n.values()].reduce((x, y) => x + y, 0)).toBe(4);
    },
    SLOW,
  );

  it(
    'Redis restarted mid-sweep with append-only persistence: workers and submitter reconnect, nothing is lost',
    async () => {
      const store = tmp('cf-store-');
      const out = tmp('cf-out-');
      const a = w(redis.url, store, ['--lock-duration', '20000']);
      await a.waitFor(/serving/);
      const s = submit(redis.url, out, ['--seeds', '21..24', '--set', 's.ms=1000']);
      await a.waitFor(/: done \S+/);
      await redis.down();
      await new Promise((r) => setTimeout(r, 1500));
      await redis.up();
      expect(await s.exited).toBe(0);
      const rows = table(out);
      expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
      expect(rows.map((r) => r.values['s.value.value'])).toEqual([42, 44, 46, 48].map((x) => (x / 2) * 3));
      const n = starts([a]);
      expect(n.size).toBe(4);
      expect([...n.values()].every((k) => k === 1)).toBe(true);
    },
    SLOW,
  );

  it(
    'a worker stopped with SIGTERM finishes its run, then exits; Ctrl-C on the submitter leaves the sweep running; status and collect from elsewhere',
    async () => {
      const store = tmp('cf-store-');
      const out = tmp('cf-out-');
      const a = w(redis.url, store);
      await a.waitFor(/serving/);
      const s = submit(redis.url, out, ['--seeds', '31..33', '--set', 's.ms=1500']);
      await a.waitFor(/: start (\S+) \(attempt 1\)/);
      const first = /: start (\S+) \(attempt 1\)/.exec(a.stderr)?.[1] as string;
      a.proc.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      expect(a.stderr).toContain('finishing 1 running run(s)');
      expect(a.stderr).toContain(`done ${first}`);
      expect(starts([a]).size).toBe(1);
      s.proc.kill('SIGINT');
      expect(await s.exited).toBe(130);
      expect(s.stderr).toMatch(/keeps running on the workers/);
      const id = sweepIdOf(s.stderr);
      const b = w(redis.url, store);
      await until(() => (b.stderr.match(/: done /g) ?? []).length === 2, 120_000, 'two runs on the second worker');
      const st = await runCli(['sweep', 'status', '--queue', redis.url, id, '--json']);
      expect(JSON.parse(st.stdout)).toMatchObject({ sweep: id, runs: 3, done: 3, failed: 0, waiting: 0 });
      const col = tmp('cf-collect-');
      const c = await runCli(['sweep', 'collect', '--queue', redis.url, id, '--store', store, '--out', col]);
      expect(c.code).toBe(0);
      expect(table(col).map((r) => r.status)).toEqual(['done', 'done', 'done']);
      expect(existsSync(join(col, 'runs', 'seed-32', 'manifest.json'))).toBe(true);
      expect(starts([a, b]).size).toBe(3);
    },
    SLOW,
  );

  it(
    'a worker refuses a job of another cortexflow version with a clear error on that job; cancel drops waiting runs',
    async () => {
      const store = tmp('cf-store-');
      const a = w(redis.url, store);
      await a.waitFor(/serving/);
      const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
      try {
        const job = await q.add(
          'old',
          {
            sweep: 'old-sweep',
            run: { id: 'seed-1', seed: 1, sets: ['s.seed=1'] },
            pipelineText: readFileSync(PIPE, 'utf8'),
            pipelineFile: PIPE,
            sets: [],
            plugins: [],
            cortexflowVersion: '0.0.1-old',
            submittedAt: Date.now(),
          },
          { jobId: 'old-sweep.seed-1' },
        );
        await until(async () => (await job.getState()) === 'failed', 60_000, 'the refused job');
        const failed = await q.getJob('old-sweep.seed-1');
        expect(failed?.failedReason).toBe(
          `this worker runs cortexflow ${cortexflowVersion()} but the sweep was submitted with cortexflow 0.0.1-old; run workers of the same version`,
        );
        expect(failed?.attemptsMade).toBe(1);
      } finally {
        await q.close();
      }
      await a.stop('SIGTERM');
      const d = await runCli([
        'sweep',
        PIPE,
        '--plugin',
        PLUGIN,
        '--seeds',
        '41..43',
        '--queue',
        redis.url,
        '--detach',
      ]);
      expect(d.code).toBe(0);
      const id = sweepIdOf(d.stderr);
      const c = await runCli(['sweep', 'cancel', '--queue', redis.url, id]);
      expect(c.stderr).toContain('3 waiting run(s) removed');
      const st = await runCli(['sweep', 'status', '--queue', redis.url, id, '--json']);
      expect(JSON.parse(st.stdout)).toMatchObject({ runs: 3, done: 0, waiting: 0, missing: 3, cancelled: true });
      const bad = await runCli(['sweep', 'status', '--queue', redis.url, 'no-such-sweep']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('no sweep "no-such-sweep"');
    },
    SLOW,
  );

  it(
    'a small cluster: four workers, one killed at a random moment: every run exactly once in the table',
    async () => {
      const store = tmp('cf-store-');
      const out = tmp('cf-out-');
      const ws = [0, 1, 2, 3].map(() => w(redis.url, store));
      await Promise.all(ws.map((x) => x.waitFor(/serving/)));
      const s = submit(redis.url, out, ['--seeds', '101..112', '--set', 's.ms=200']);
      const victim = ws[Math.floor(Math.random() * ws.length)] as CliProcess;
      await victim.waitFor(/: start /);
      await new Promise((r) => setTimeout(r, Math.random() * 1500));
      await victim.stop('SIGKILL');
      expect(await s.exited).toBe(0);
      const rows = table(out);
      expect(rows).toHaveLength(12);
      expect(new Set(rows.map((r) => r.run)).size).toBe(12);
      expect(rows.every((r) => r.status === 'done')).toBe(true);
      const n = starts(ws);
      expect(n.size).toBe(12);
    },
    SLOW,
  );
});

describe.skipIf(!HAVE && !CI)('queue security: passwords and the dashboard', () => {
  let redis: RedisProcess;
  const PASSWORD = 's3cr3t-pw-4417';
  beforeAll(async () => {
    if (!HAVE) throw new Error('CI=true but redis-server is not installed; .ci/run must install it');
    redis = await RedisProcess.start({ password: PASSWORD });
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await redis?.down();
  });

  it(
    'a password URL works and is never printed or stored; a wrong one is a clear, redacted error',
    async () => {
      const store = tmp('cf-store-');
      const out = tmp('cf-out-');
      const a = w(redis.url, store);
      await a.waitFor(/serving/);
      const s = submit(redis.url, out, ['--seeds', '1..2']);
      expect(await s.exited).toBe(0);
      const id = sweepIdOf(s.stderr);
      const st = await runCli(['sweep', 'status', '--queue', redis.url]);
      expect(st.stdout).toContain(`${id} (${PIPE}): 2/2 done`);
      const wrong = redis.url.replace(PASSWORD, 'not-the-password');
      const bad = await runCli(['sweep', 'status', '--queue', wrong]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
      await a.stop('SIGTERM');
      const d = track(new CliProcess(['dashboard', '--queue', redis.url, '--port', '0']));
      await d.waitFor(/dashboard: (http:\S+)/);
      const url = /dashboard: (http:\S+)/.exec(d.stderr)?.[1] as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const api = (await (await fetch(`${url}api/queues?activeQueue=${QUEUE_NAME}&status=completed`)).json()) as {
        queues: Array<{ name: string; counts: Record<string, number> }>;
      };
      const q = api.queues.find((x) => x.name === QUEUE_NAME);
      expect(q?.counts['completed']).toBe(2);
      await d.stop('SIGINT');
      const printed = [s, a, d].map((p) => p.stdout + p.stderr).join('\n') + st.stdout + st.stderr + bad.stderr;
      expect(printed).not.toContain(PASSWORD);
      expect(printed).toContain('redis://:***@127.0.0.1');
      const written = [
        readFileSync(join(out, 'sweep.json'), 'utf8'),
        readFileSync(join(out, 'queue-runs.json'), 'utf8'),
      ];
      for (const dir of readdirSync(join(store, id, 'runs')))
        written.push(readFileSync(join(store, id, 'runs', dir, 'manifest.json'), 'utf8'));
      for (const text of written) expect(text).not.toContain(PASSWORD);
    },
    SLOW,
  );

  it(
    'rediss:// (TLS) with a password: submit and status work through TLS, the password is redacted',
    async () => {
      const tls = await RedisProcess.start({ tls: true, password: PASSWORD });
      try {
        expect(tls.url).toMatch(/^rediss:/);
        const env = { NODE_EXTRA_CA_CERTS: join(process.cwd(), 'test', 'fixtures', 'tls', 'ca.crt') };
        const d = track(
          new CliProcess(['sweep', PIPE, '--plugin', PLUGIN, '--seeds', '1..2', '--queue', tls.url, '--detach'], env),
        );
        expect(await d.exited).toBe(0);
        const id = sweepIdOf(d.stderr);
        const st = track(new CliProcess(['sweep', 'status', '--queue', tls.url, id], env));
        expect(await st.exited).toBe(0);
        expect(st.stdout).toContain(`${id} (${PIPE}): 0/2 done, 0 running, 0 failed, 2 waiting`);
        // Without trusting the test CA the TLS handshake fails: proof the connection really is TLS.
        const untrusted = track(new CliProcess(['sweep', 'status', '--queue', tls.url, id]));
        expect(await untrusted.exited).toBe(2);
        expect(untrusted.stderr).toMatch(/cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0/);
        const printed = [d, st, untrusted].map((p) => p.stdout + p.stderr).join('\n');
        expect(printed).not.toContain(PASSWORD);
      } finally {
        await tls.down();
      }
    },
    SLOW,
  );
});
