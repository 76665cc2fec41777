/**
 * Redis connection settings from a `--queue` URL (`redis://[[user]:password@]host[:port][/db]` or
 * `rediss://` for TLS), and the redaction that keeps a password out of every line printed and every
 * file written.
 */
import { isIP } from 'node:net';

/** A queue command's usage problem: printed as `cortexflow: message`, exit 2. */
export class QueueCommandError extends Error {
  override name = 'QueueCommandError';
}

/** Thrown for a malformed `--queue` URL; the message never contains the password. */
export class QueueUrlError extends Error {
  override name = 'QueueUrlError';
}

/** Redis client options (a subset both ioredis and BullMQ take). */
export interface RedisOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername?: string };
  maxRetriesPerRequest: number | null;
  retryStrategy: (times: number) => number | null;
}

/** What a `--queue` URL says, as ioredis options, plus a printable form without the password. */
export interface QueueConnection {
  options: RedisOptions;
  /** The URL with any password replaced by `***` (safe to print or store). */
  display: string;
}

/**
 * Parse a `--queue` URL. `persistent` connections (workers, a watching submitter) retry every
 * command until Redis is back (BullMQ workers require `maxRetriesPerRequest: null`); one-shot
 * commands (status, collect, cancel) give up after a few attempts with a clear error instead.
 */
export function parseQueueUrl(url: string, persistent: boolean): QueueConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(
      `--queue "${redactUrl(url)}": not a URL; expected redis://[:PASSWORD@]HOST:PORT/DB or rediss://...`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new QueueUrlError(
      `--queue "${redactUrl(url)}": the scheme must be redis:// or rediss:// (TLS), got ${u.protocol}//`,
    );
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0)
    throw new QueueUrlError(`--queue "${redactUrl(url)}": the database "/${dbText}" must be an integer >= 0`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    maxRetriesPerRequest: persistent ? null : 2,
    // Reconnect with a capped back-off forever when persistent (Redis restarted: nothing is lost,
    // the work resumes); a one-shot command fails after ~3 s.
    retryStrategy: (times: number) => (persistent ? Math.min(times * 200, 2000) : times > 3 ? null : 300),
  };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') {
    // Certificates: Node's defaults plus NODE_EXTRA_CA_CERTS for a private CA.
    // SNI takes host names only (RFC 6066): an IP address is verified against the certificate's IP SANs.
    options.tls = isIP(options.host) ? {} : { servername: options.host };
  }
  return { options, display: redactUrl(url) };
}

/** A Redis URL with its password (and a user-only secret) replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/i, (_m, scheme: string, cred: string) => {
    const i = cred.indexOf(':');
    return i < 0 ? `${scheme}***@` : `${scheme}${cred.slice(0, i)}:***@`;
  });
}

/** Replace every Redis URL inside a text (error messages from clients quote them) by its redacted form. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/rediss?:\/\/[^\s"'`]+/gi, (m) => redactUrl(m));
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}
