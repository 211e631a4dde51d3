import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { loadWebConfig } from './config';
import { clientAddress } from './http/api';

const env = { NODE_ENV: 'test', BERTH_SECRET: 'a-secret-of-at-least-thirty-two-characters', BERTH_AGENT_TOKEN: 'agent-token-0123456789' } as const;

describe('trustProxyHops (BERTH_TRUST_PROXY_HOPS)', () => {
  it('trusts no proxy unless told, takes a number of hops, and refuses anything else with the reason', () => {
    expect(loadWebConfig(env).trustProxyHops).toBe(0);
    expect(loadWebConfig({ ...env, BERTH_TRUST_PROXY_HOPS: '2' }).trustProxyHops).toBe(2);
    for (const bad of ['yes', '-1', '1.5', '17']) {
      expect(() => loadWebConfig({ ...env, BERTH_TRUST_PROXY_HOPS: bad })).toThrow(/invalid web config:\n {2}trustProxyHops: /);
    }
  });
});

describe('clientAddress', () => {
  const req = (peer: string, forwardedFor?: string) =>
    ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(req('192.0.2.1', '198.51.100.9'), 0)).toBe('192.0.2.1');
    expect(clientAddress(req('192.0.2.1'), 0)).toBe('192.0.2.1');
  });

  it('counts trusted proxies from the right of X-Forwarded-For', () => {
    // client 198.51.100.9 -> proxy 10.0.0.1 -> proxy 10.0.0.2 (the peer); the client forged 203.0.113.5.
    const chain = '203.0.113.5, 198.51.100.9, 10.0.0.1';
    expect(clientAddress(req('10.0.0.2', chain), 1)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.2', chain), 2)).toBe('198.51.100.9');
    // Fewer entries than hops (the request passed fewer proxies): the leftmost, which a proxy wrote.
    expect(clientAddress(req('10.0.0.2', '198.51.100.9'), 2)).toBe('198.51.100.9');
    // No header, or not an address where the client should be: the peer.
    expect(clientAddress(req('10.0.0.2'), 1)).toBe('10.0.0.2');
    expect(clientAddress(req('10.0.0.2', '198.51.100.9, unknown'), 1)).toBe('10.0.0.2');
    expect(clientAddress(req('10.0.0.2', ' 2001:db8::7 '), 1)).toBe('2001:db8::7');
  });
});
