/** Spawn the real `cortexflow` CLI as a user would, collecting its exit code and output. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'bin', 'cortexflow.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Called on each chunk with everything printed so far; `kill` sends a signal to the CLI. */
  onOutput?: (out: { stdout: string; stderr: string }, kill: (signal: NodeJS.Signals) => void) => void;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: process.cwd(),
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    const kill = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onOutput?.({ stdout, stderr }, kill);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onOutput?.({ stdout, stderr }, kill);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
