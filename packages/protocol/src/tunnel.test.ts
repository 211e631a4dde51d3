import { describe, expect, it } from 'vitest';
import { TunnelDuplex, type TunnelPeer } from './tunnel';

/** Two ends wired to each other the way the gateway and the agent are (messages are async). */
function pair(window = 64 * 1024, chunk = 16 * 1024) {
  const log: string[] = [];
  const ends: { a?: TunnelDuplex; b?: TunnelDuplex } = {};
  const to = (other: () => TunnelDuplex, name: string): TunnelPeer => ({
    data: (d) => setImmediate(() => other().remoteData(new Uint8Array(d))),
    ack: (n) => setImmediate(() => other().remoteAck(n)),
    end: () => {
      log.push(`${name} end`);
      setImmediate(() => other().remoteEnd());
    },
    close: (e) => {
      log.push(`${name} close${e ? ` ${e}` : ''}`);
      setImmediate(() => other().remoteClose(e));
    },
  });
  const a = (ends.a = new TunnelDuplex('gw.1', to(() => ends.b!, 'a'), window, chunk));
  const b = (ends.b = new TunnelDuplex('gw.1', to(() => ends.a!, 'b'), window, chunk));
  return { a, b, log };
}

describe('TunnelDuplex', () => {
  it('carries bytes both ways and never has more than a window in flight for a slow reader', async () => {
    const { a, b } = pair();
    const payload = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
    let maxInFlight = 0;
    const received: Buffer[] = [];
    b.pause();
    a.write(payload);
    a.end();
    const timer = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, a.inFlight);
      const chunk = b.read(8192) as Buffer | null;
      if (chunk) received.push(chunk);
    }, 1);
    await new Promise<void>((resolve) => b.once('end', resolve).once('readable', () => undefined));
    clearInterval(timer);
    let rest: Buffer | null;
    while ((rest = b.read() as Buffer | null)) received.push(rest);
    expect(Buffer.concat(received).equals(payload)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(64 * 1024);
    expect(maxInFlight).toBeGreaterThan(0);
  });

  it('half-closes: the other side still answers after this side ended, then both close', async () => {
    const { a, b, log } = pair();
    b.on('data', (d: Buffer) => b.write(Buffer.from(d.toString().toUpperCase())));
    b.on('end', () => b.end('!'));
    const answer: string[] = [];
    a.on('data', (d: Buffer) => answer.push(d.toString()));
    a.end('hello');
    await new Promise((r) => a.once('close', r));
    expect(answer.join('')).toBe('HELLO!');
    expect(log).toContain('a end');
    expect(log).toContain('b end');
  });

  it('a failure on one end fails the other with its message', async () => {
    const { a, b } = pair();
    const failed = new Promise<Error>((resolve) => b.once('error', resolve));
    a.on('error', () => undefined);
    a.destroy(new Error('connection reset in the sandbox'));
    expect((await failed).message).toBe('connection reset in the sandbox');
  });
});
