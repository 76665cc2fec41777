/**
 * `cortexflow dashboard --queue URL`: the queue's live state in a browser, served by bull-board (the
 * maintained BullMQ dashboard) on Express. Bound to 127.0.0.1 unless `--host` says otherwise: the
 * dashboard can retry and delete jobs and has no login of its own.
 */
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import express from 'express';
import { parseQueueUrl } from './connection.ts';
import { QUEUE_NAME } from './jobs.ts';

export interface DashboardOptions {
  queue: string;
  host: string;
  port: number;
  log: (line: string) => void;
}

/** A running dashboard: its address and how to stop it. */
export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

/** Start the dashboard server. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const conn = parseQueueUrl(opts.queue, true);
  const queue = new Queue(QUEUE_NAME, { connection: conn.options });
  queue.on('error', () => undefined);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/');
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: false })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'cortexflow sweeps' } },
  });
  const app = express();
  app.use('/', serverAdapter.getRouter() as express.Router);
  const server = await new Promise<import('node:http').Server>((res, rej) => {
    const s = app.listen(opts.port, opts.host, (err?: Error) => (err ? rej(err) : res(s)));
    s.on('error', rej);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}/`;
  opts.log(`dashboard: ${url} (queue ${QUEUE_NAME} on ${conn.display}); Ctrl-C stops it`);
  return {
    url,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await queue.close();
    },
  };
}
