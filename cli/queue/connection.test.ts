import { describe, expect, it } from 'vitest';
import { parseQueueUrl, QueueUrlError, redactText, redactUrl } from './connection.ts';

describe('--queue URLs', () => {
  it('parses host, port, db, user, password and TLS', () => {
    const c = parseQueueUrl('rediss://alice:p%40ss@redis.lab:6380/3', true);
    expect(c.options).toMatchObject({
      host: 'redis.lab',
      port: 6380,
      db: 3,
      username: 'alice',
      password: 'p@ss',
      tls: { servername: 'redis.lab' },
      maxRetriesPerRequest: null,
    });
    expect(c.display).toBe('rediss://alice:***@redis.lab:6380/3');
    const d = parseQueueUrl('redis://127.0.0.1', false);
    expect(d.options).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0, maxRetriesPerRequest: 2 });
    expect(d.options.tls).toBeUndefined();
    // An IP address is not a TLS server name (RFC 6066); the certificate's IP SAN is checked instead.
    expect(parseQueueUrl('rediss://127.0.0.1:6380/0', true).options.tls).toEqual({});
    expect(d.options.password).toBeUndefined();
    // A one-shot command gives up; a worker keeps reconnecting.
    expect(d.options.retryStrategy(5)).toBeNull();
    expect(c.options.retryStrategy(50)).toBe(2000);
  });

  it('rejects bad URLs without echoing the password', () => {
    expect(() => parseQueueUrl('http://:pw123@h:1/0', true)).toThrow(QueueUrlError);
    expect(() => parseQueueUrl('http://:pw123@h:1/0', true)).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseQueueUrl('redis://:pw123@h:1/x', true)).toThrow(/"\/x" must be an integer/);
    try {
      parseQueueUrl('redis://:pw123@h:1/x', true);
    } catch (e) {
      expect(String(e)).not.toContain('pw123');
    }
  });

  it('redacts passwords in URLs and in free text', () => {
    expect(redactUrl('redis://:pw@h:1/0')).toBe('redis://:***@h:1/0');
    expect(redactUrl('redis://token@h:1/0')).toBe('redis://***@h:1/0');
    expect(redactUrl('redis://h:1/0')).toBe('redis://h:1/0');
    expect(redactText('connect to redis://u:pw@h:1/0 failed; rediss://:x@y/1', ['pw'])).toBe(
      'connect to redis://u:***@h:1/0 failed; rediss://:***@y/1',
    );
  });
});
