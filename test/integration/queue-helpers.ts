/**
 * Real processes for the queue tests and the queue bench: a `redis-server` of our own on a random
 * 127.0.0.1 port (never a system one), `cortexflow worker`s and submitters, each stopped by its pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './run-cli.ts';

/** Whether redis-server is installed (.ci/run installs it; CI must not skip). */
export function haveRedis(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A redis-server we started; restartable on the same port and folder (append-only file kept). */
export class RedisProcess {
  proc: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'cf-redis-'));
  private constructor(
    readonly port: number,
    readonly opts: { appendonly: boolean; password?: string; tls?: boolean },
  ) {}

  /** `tls`: serve TLS only, with test/fixtures/tls/ (clients trust its ca.crt through NODE_EXTRA_CA_CERTS). */
  static async start(opts: { appendonly?: boolean; password?: string; tls?: boolean } = {}): Promise<RedisProcess> {
    const r = new RedisProcess(await freePort(), {
      appendonly: opts.appendonly ?? false,
      ...(opts.password ? { password: opts.password } : {}),
      ...(opts.tls ? { tls: true } : {}),
    });
    await r.up();
    return r;
  }

  get url(): string {
    return `${this.opts.tls ? 'rediss' : 'redis'}://${this.opts.password ? `:${this.opts.password}@` : ''}127.0.0.1:${this.port}/0`;
  }

  async up(): Promise<void> {
    const tls = join(process.cwd(), 'test', 'fixtures', 'tls');
    const portArgs = this.opts.tls
      ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', join(tls, 'server.crt')]
          .concat(['--tls-key-file', join(tls, 'server.key'), '--tls-ca-cert-file', join(tls, 'ca.crt')])
          .concat(['--tls-auth-clients', 'no'])
      : ['--port', String(this.port)];
    const args = [...portArgs, '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--appendonly', this.opts.appendonly ? 'yes' : 'no', '--appendfsync', 'always', '--daemonize', 'no');
    if (this.opts.password) args.push('--requirepass', this.opts.password);
    const p = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    let out = '';
    p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => /Ready to accept connections/.test(out) || p.exitCode !== null, 10_000, 'redis-server');
    if (p.exitCode !== null) throw new Error(`redis-server exited: ${out.slice(-500)}`);
  }

  /** Stop it (SIGTERM: Redis flushes the append-only file and exits). */
  async down(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await done;
  }
}

/** A child `cortexflow` process with its output collected. */
export class CliProcess {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  constructor(args: string[], env: Record<string, string> = {}) {
    this.proc = spawn(process.execPath, [BIN, ...args], {
      cwd: process.cwd(),
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.proc.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.proc.on('close', (code) => r(code)));
  }
  /** Wait until stderr matches (or the process ends). */
  async waitFor(re: RegExp, ms = 60_000): Promise<void> {
    await until(
      () => re.test(this.stderr) || this.proc.exitCode !== null,
      ms,
      `${re} in:\n${this.stderr.slice(-2000)}`,
    );
    if (!re.test(this.stderr)) throw new Error(`process ended before ${re}:\n${this.stderr.slice(-2000)}`);
  }
  /** Stop it if still running (tests' cleanup). */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill(signal);
      await this.exited;
    }
  }
}

/** A `cortexflow worker` on `url`. */
export function worker(url: string, store: string, extra: string[] = []): CliProcess {
  return new CliProcess(['worker', '--queue', url, '--store', store, '--lock-duration', '2000', ...extra]);
}

/** How many times each job was started, from workers' logs ("start JOB (attempt n)"). */
export function starts(workers: CliProcess[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of workers)
    for (const match of w.stderr.matchAll(/: start (\S+) \(attempt/g))
      m.set(match[1] as string, (m.get(match[1] as string) ?? 0) + 1);
  return m;
}

export { until };
