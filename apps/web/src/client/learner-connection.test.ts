import { afterEach, describe, expect, it } from 'vitest';
import type { LearnerSessionView, SessionGrant } from '@berth/protocol';
import { refreshGrant, startSession } from './api';
import { LearnerError } from './errors';
import {
  LearnerConnection,
  splitInput,
  type ConnectionStatus,
  type LearnerConnectionOptions,
  type TerminalChunk,
  type TerminalSink,
} from './learner-connection';
import { FakeGateway, type FakeGatewayOptions } from './testing/fake-gateway';
import { until } from './testing/until';

let gateways: FakeGateway[] = [];
let connections: LearnerConnection[] = [];

afterEach(async () => {
  for (const c of connections) c.dispose();
  await Promise.all(gateways.map((g) => g.close()));
  connections = [];
  gateways = [];
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Harness {
  gw: FakeGateway;
  conn: LearnerConnection;
  warnings: string[];
  statuses: ConnectionStatus[];
  states: LearnerSessionView[];
}

async function setUp(gwOptions: FakeGatewayOptions = {}, grant?: (gw: FakeGateway) => SessionGrant, connOptions: LearnerConnectionOptions = {}): Promise<Harness> {
  const gw = await FakeGateway.start(gwOptions);
  gateways.push(gw);
  const warnings: string[] = [];
  const conn = new LearnerConnection(grant ? grant(gw) : gw.issueGrant(), {
    url: gw.url,
    refreshGrant: (sessionId) => refreshGrant(sessionId, { base: gw.url }),
    reconnectionDelay: 10,
    reconnectionDelayMax: 40,
    logger: { warn: (message) => warnings.push(message) },
    ...connOptions,
  });
  connections.push(conn);
  const statuses: ConnectionStatus[] = [];
  const states: LearnerSessionView[] = [];
  conn.on('status', (s) => statuses.push(s));
  conn.on('state', (v) => states.push(v));
  return { gw, conn, warnings, statuses, states };
}

/** A consumer like xterm: keeps every byte, acks after "writing" (at once, or when released). */
class Consumer implements TerminalSink {
  chunks: TerminalChunk[] = [];
  written = 0;
  exitCode: number | null = null;
  goneWith: LearnerError | null = null;
  /** Offsets at which a write completed (every ack must be one of them). */
  writeEnds = new Set<number>([0]);
  private held: TerminalChunk[] = [];

  constructor(
    private readonly conn: LearnerConnection,
    public termId = '',
    private mode: 'sync' | 'async' | 'hold' = 'sync',
  ) {}

  data(chunk: TerminalChunk): void {
    this.chunks.push(chunk);
    if (this.mode === 'hold') this.held.push(chunk);
    else if (this.mode === 'async') setTimeout(() => this.complete(chunk), 3);
    else this.complete(chunk);
  }

  exit(exitCode: number): void {
    this.exitCode = exitCode;
  }

  gone(error: LearnerError): void {
    this.goneWith = error;
  }

  release(): void {
    this.mode = 'async';
    for (const chunk of this.held.splice(0)) setTimeout(() => this.complete(chunk), 1);
  }

  private complete(chunk: TerminalChunk): void {
    this.written = chunk.seq + chunk.data.length;
    this.writeEnds.add(this.written);
    this.conn.ack(this.termId, this.written);
  }

  text(): string {
    return Buffer.concat(this.chunks.map((c) => Buffer.from(c.data))).toString();
  }

  skipped(): number {
    return this.chunks.reduce((n, c) => n + c.skipped, 0);
  }
}

async function openWith(conn: LearnerConnection, mode: 'sync' | 'async' | 'hold' = 'sync') {
  const consumer = new Consumer(conn, '', mode);
  const info = await conn.openTerminal({ cols: 80, rows: 24 }, consumer);
  consumer.termId = info.termId;
  return { consumer, termId: info.termId };
}

async function online(h: Harness) {
  h.conn.connect();
  await until(() => h.conn.status === 'online', 'online');
}

describe('LearnerConnection', () => {
  it('connects with the grant and reports the session', async () => {
    const h = await setUp();
    expect(h.conn.status).toBe('connecting');
    await online(h);
    await until(() => h.states.length > 0, 'a state event');
    expect(h.states.at(-1)?.state).toBe('ready');
    expect(h.statuses).toEqual(['online']);
  });

  it('replays after forced disconnects with no gap and no duplicate', async () => {
    const h = await setUp({ chunkSize: 1000 });
    await online(h);
    const { consumer, termId } = await openWith(h.conn);

    let line = 0;
    const writeLines = (n: number) => {
      for (let i = 0; i < n; i++) h.gw.write(termId, `line ${String(line++).padStart(6, '0')} ${'#'.repeat(40)}\n`);
    };
    for (let round = 0; round < 5; round++) {
      writeLines(200);
      await until(() => consumer.written > 0, 'some output');
      const before = h.gw.receivedOf('term:attach').length;
      // Drop in the middle of the stream, keep producing while nobody is connected.
      h.gw.dropConnections();
      await until(() => h.conn.status === 'reconnecting', 'reconnecting');
      const had = h.conn.received(termId);
      expect(had).toBe(consumer.written);
      writeLines(150);
      await until(() => h.gw.receivedOf('term:attach').length > before && h.conn.status === 'online', 're-attach');
      // The re-attach asked for exactly the bytes the page had.
      expect((h.gw.receivedOf('term:attach').at(-1)!.payload as { fromSeq: number }).fromSeq).toBe(had);
      writeLines(50);
      await until(() => consumer.written === h.gw.terminals.get(termId)!.output.length, 'everything');
    }

    const expected = h.gw.terminals.get(termId)!.output.toString();
    expect(consumer.text()).toBe(expected);
    expect(consumer.skipped()).toBe(0);
    // Chunks are contiguous: each starts where the previous one ended.
    let at = 0;
    for (const c of consumer.chunks) {
      expect(c.seq).toBe(at);
      at += c.data.length;
    }
    // Every re-attach asked for exactly the bytes the page had at that moment.
    const attaches = h.gw.receivedOf('term:attach').map((r) => (r.payload as { fromSeq: number }).fromSeq);
    expect(attaches.length).toBeGreaterThanOrEqual(6);
    expect(attaches[0]).toBe(0);
    expect(h.statuses.filter((s) => s === 'reconnecting').length).toBeGreaterThanOrEqual(5);
    expect(h.gw.violations).toEqual([]);
  });

  it('trims a replay that overlaps what it has, and marks bytes that are lost', async () => {
    const h = await setUp();
    await online(h);
    const { consumer, termId } = await openWith(h.conn);
    h.gw.write(termId, 'abcdef');
    await until(() => consumer.written === 6, 'abcdef');

    h.gw.emitRaw('term:data', { termId, seq: 3, data: Buffer.from('defghi') });
    await until(() => consumer.written === 9, 'ghi');
    expect(consumer.chunks.at(-1)).toMatchObject({ seq: 6, skipped: 0 });
    expect(Buffer.from(consumer.chunks.at(-1)!.data).toString()).toBe('ghi');

    h.gw.emitRaw('term:data', { termId, seq: 0, data: Buffer.from('abc') }); // all seen: dropped
    h.gw.emitRaw('term:data', { termId, seq: 20, data: Buffer.from('xyz') }); // 11 bytes never arrived
    await until(() => consumer.written === 23, 'xyz');
    expect(consumer.text()).toBe('abcdefghixyz');
    expect(consumer.chunks.at(-1)).toMatchObject({ seq: 20, skipped: 11 });
  });

  it('acks only what was written, and the acks are what lets output flow', async () => {
    const h = await setUp({ highWater: 64, chunkSize: 16 }, undefined, { ackBytes: 32, ackDelayMs: 5 });
    await online(h);
    const { consumer, termId } = await openWith(h.conn, 'hold');
    h.gw.write(termId, 'x'.repeat(1000));

    await until(() => consumer.chunks.reduce((n, c) => n + c.data.length, 0) === 64, 'the first window');
    await sleep(50);
    // Nothing written yet: no ack, and the gateway stopped at its window.
    expect(h.gw.receivedOf('term:ack')).toEqual([]);
    expect(consumer.chunks.reduce((n, c) => n + c.data.length, 0)).toBe(64);

    consumer.release();
    await until(() => consumer.written === 1000, 'all 1000 bytes written', 10_000);
    const acks = h.gw.receivedOf('term:ack').map((r) => (r.payload as { seq: number }).seq);
    expect(acks.length).toBeGreaterThan(0);
    for (const seq of acks) expect(consumer.writeEnds.has(seq), `ack ${seq} matches a completed write`).toBe(true);
    expect([...acks].sort((a, b) => a - b)).toEqual(acks); // never backwards
    await until(() => h.gw.receivedOf('term:ack').at(-1)?.payload !== undefined && (h.gw.receivedOf('term:ack').at(-1)!.payload as { seq: number }).seq === 1000, 'final ack');
    expect(h.gw.violations).toEqual([]);
  });

  it('acks in batches: a large amount at once, the rest when output pauses', async () => {
    const h = await setUp({ chunkSize: 1000 }, undefined, { ackBytes: 4000, ackDelayMs: 40 });
    await online(h);
    const { consumer, termId } = await openWith(h.conn);
    h.gw.write(termId, 'x'.repeat(10_000));
    await until(() => consumer.written === 10_000, 'all written');
    const acks = () => h.gw.receivedOf('term:ack').map((r) => (r.payload as { seq: number }).seq);
    // One ack per 4000 bytes or more, not one per 1000-byte chunk...
    expect(acks().length).toBeLessThanOrEqual(2);
    expect(acks().every((seq) => seq >= 4000)).toBe(true);
    // ...and the remainder once output has paused.
    await until(() => acks().at(-1) === 10_000, 'the trailing ack');
    // A keystroke's echo is acknowledged later, with whatever follows it.
    h.gw.write(termId, 'a');
    await until(() => consumer.written === 10_001, 'the echo');
    expect(acks().at(-1)).toBe(10_000);
    await until(() => acks().at(-1) === 10_001, 'the echo acked after a pause');
    expect(h.gw.violations).toEqual([]);
  });

  it('does not ack past what it received, nor before re-attaching after a drop', async () => {
    const h = await setUp();
    await online(h);
    const { consumer, termId } = await openWith(h.conn, 'hold');
    h.gw.write(termId, 'hello');
    await until(() => consumer.chunks.length === 1, 'hello');
    h.conn.ack(termId, 999);
    await until(() => h.gw.receivedOf('term:ack').length === 1, 'an ack');
    expect(h.gw.receivedOf('term:ack')[0]!.payload).toEqual({ termId, seq: 5 });

    h.gw.dropConnections();
    await until(() => h.conn.status === 'reconnecting', 'reconnecting');
    h.gw.write(termId, ' world');
    await until(() => h.conn.status === 'online' && consumer.chunks.length === 2, 'the rest');
    consumer.release();
    await until(() => consumer.written === 11, 'written');
    await sleep(20);
    expect(h.gw.violations).toEqual([]);
  });

  it('keeps trying through a network outage (no refusal, no refresh) and then catches up', async () => {
    const h = await setUp();
    await online(h);
    const { consumer, termId } = await openWith(h.conn);
    h.gw.pause();
    await until(() => h.conn.status === 'reconnecting', 'reconnecting');
    h.gw.write(termId, 'meanwhile');
    await sleep(150); // several failed attempts
    expect(h.conn.status).toBe('reconnecting');
    h.gw.resume();
    await until(() => consumer.written === 9, 'meanwhile');
    expect(consumer.text()).toBe('meanwhile');
    expect(h.gw.grantsIssued).toBe(1);
    expect(h.gw.handshakesRefused).toBe(0);
  });

  it('tries a failed attach again (the host is reconnecting), and at once when the session is ready again', async () => {
    const h = await setUp();
    await online(h);
    const { consumer, termId } = await openWith(h.conn);
    h.gw.write(termId, 'one ');
    await until(() => consumer.written === 4, 'one');

    // After a drop, the first re-attach fails; the retry (after ~0.5 s) succeeds.
    h.gw.failAttaches = 1;
    h.gw.dropConnections();
    await until(() => h.conn.status === 'reconnecting', 'reconnecting');
    h.gw.write(termId, 'two ');
    await until(() => consumer.written === 8, 'two', 5_000);

    // The host goes away for longer: attaches keep failing while the session is interrupted...
    h.gw.failAttaches = 1_000;
    h.gw.setState('interrupted');
    h.gw.dropConnections();
    await until(() => h.conn.status === 'reconnecting', 'reconnecting again');
    await until(() => h.conn.status === 'online', 'online again');
    h.gw.write(termId, 'three');
    await sleep(100);
    expect(consumer.written).toBe(8);
    // ...and it comes back: the ready state triggers an attach without waiting for the next retry.
    h.gw.failAttaches = 0;
    h.gw.setState('ready');
    await until(() => consumer.written === 13, 'three', 1_000);
    expect(consumer.text()).toBe('one two three');
    expect(h.gw.violations).toEqual([]);
  });

  it('refreshes the grant when the handshake is refused for its token', async () => {
    const h = await setUp({}, (gw) => {
      const grant = gw.issueGrant();
      gw.expireTokens();
      return grant;
    });
    const grants: SessionGrant[] = [];
    h.conn.on('grant', (g) => grants.push(g));
    await online(h);
    expect(h.gw.handshakesRefused).toBe(1);
    expect(h.gw.grantsIssued).toBe(2);
    expect(grants).toHaveLength(1);
    expect(h.gw.receivedOf(`POST /api/sessions/${h.conn.sessionId}/token`)).toHaveLength(1);
  });

  it('after the token expired, a reconnect refreshes it and re-attaches without loss', async () => {
    const h = await setUp();
    await online(h);
    const { consumer, termId } = await openWith(h.conn);
    h.gw.write(termId, 'before ');
    await until(() => consumer.written === 7, 'before');

    h.gw.expireTokens();
    h.gw.dropConnections();
    h.gw.write(termId, 'after');
    await until(() => consumer.written === 12, 'after', 10_000);
    expect(consumer.text()).toBe('before after');
    expect(h.gw.handshakesRefused).toBe(1);
    expect(h.gw.grantsIssued).toBe(2);
    expect(h.conn.status).toBe('online');
  });

  it('refreshes a token that has expired before reconnecting (no refusal needed)', async () => {
    const h = await setUp({}, (gw) => ({ ...gw.issueGrant(), tokenExpiresAt: new Date(Date.now() - 1000).toISOString() }));
    await online(h);
    expect(h.gw.handshakesRefused).toBe(0);
    expect(h.gw.grantsIssued).toBe(2);
  });

  it('gives up when the session is gone', async () => {
    const h = await setUp();
    await online(h);
    const fatal: LearnerError[] = [];
    h.conn.on('fatal', (e) => fatal.push(e));
    h.gw.expireTokens();
    h.gw.session = { ...h.gw.session, sessionId: 'someone-else-entirely' };
    h.gw.dropConnections();
    await until(() => fatal.length === 1, 'fatal');
    expect(fatal[0]!.code).toBe('not_found');
    expect(h.conn.status).toBe('offline');
  });

  it('gives up on a protocol version mismatch', async () => {
    const gw = await FakeGateway.start();
    gateways.push(gw);
    // Refuse every handshake as another version would.
    gw.io.of('/learner').use((_socket, next) => next(Object.assign(new Error('protocol version mismatch'), { data: { code: 'version_mismatch' } })));
    const conn = new LearnerConnection(gw.issueGrant(), { url: gw.url, logger: { warn: () => {} } });
    connections.push(conn);
    const fatal: LearnerError[] = [];
    conn.on('fatal', (e) => fatal.push(e));
    conn.connect();
    await until(() => fatal.length === 1, 'fatal');
    expect(fatal[0]!.code).toBe('version_mismatch');
    expect(gw.grantsIssued).toBe(1);
  });

  it('ignores and logs malformed messages', async () => {
    const h = await setUp();
    await online(h);
    const { consumer, termId } = await openWith(h.conn);
    const warningsSeen: unknown[] = [];
    h.conn.on('warning', (w) => warningsSeen.push(w));
    await until(() => h.states.length > 0, 'first state');
    const statesBefore = h.states.length;

    h.gw.emitRaw('session:state', { sessionId: h.conn.sessionId, state: 'exploded' });
    h.gw.emitRaw('session:warning', { kind: 'lifetime', secondsLeft: -3 });
    h.gw.emitRaw('term:data', { termId, seq: 0, data: 'not bytes' });
    h.gw.emitRaw('term:data', { termId: '../../etc', seq: 0, data: Buffer.from('x') });
    h.gw.emitRaw('term:exit', { termId });
    h.gw.emitRaw('protocol:error', 'oops');
    h.gw.write(termId, 'fine');
    await until(() => consumer.written === 4, 'valid data after the junk');
    await sleep(20);

    expect(h.states.length).toBe(statesBefore);
    expect(warningsSeen).toEqual([]);
    expect(consumer.text()).toBe('fine');
    expect(consumer.exitCode).toBeNull();
    expect(h.warnings.filter((w) => w.startsWith('ignored a malformed'))).toHaveLength(6);

    h.gw.warn('idle', 60);
    h.gw.setState('stopping');
    await until(() => warningsSeen.length === 1 && h.states.at(-1)?.state === 'stopping', 'valid events');
  });

  it('reports exits, closes terminals and resets the session', async () => {
    const h = await setUp();
    await online(h);
    const a = await openWith(h.conn);
    const b = await openWith(h.conn);
    expect(h.conn.terminalIds).toEqual([a.termId, b.termId]);

    h.gw.exitTerminal(a.termId, 3);
    await until(() => a.consumer.exitCode === 3, 'exit');

    await h.conn.closeTerminal(a.termId);
    expect(h.gw.terminals.has(a.termId)).toBe(false);
    expect(h.conn.terminalIds).toEqual([b.termId]);

    const view = await h.conn.reset();
    expect(view.state).toBe('ready');
    expect(view.terminals).toEqual([]);
    expect(h.conn.terminalIds).toEqual([]);
  });

  it('keeps keystrokes typed while offline and sends them once re-attached; sends the latest size', async () => {
    const h = await setUp();
    await online(h);
    const { termId } = await openWith(h.conn);
    h.conn.input(termId, 'ls');
    await until(() => h.gw.terminals.get(termId)!.input.length === 1, 'input');

    h.gw.dropConnections();
    await until(() => h.conn.status === 'reconnecting', 'reconnecting');
    h.conn.input(termId, ' -la\r');
    h.conn.resize(termId, 100, 30);
    await until(() => h.gw.terminals.get(termId)!.input.join('') === 'ls -la\r', 'buffered input', 5_000);
    await until(() => h.gw.terminals.get(termId)!.cols === 100, 'resize');
    expect(h.gw.terminals.get(termId)!.rows).toBe(30);
    expect(h.gw.violations).toEqual([]);
  });

  it('follows an existing terminal from byte 0 (a page reload)', async () => {
    const h = await setUp();
    await online(h);
    const { termId } = await openWith(h.conn);
    h.gw.write(termId, 'history\r\n');
    await sleep(20);

    const second = new LearnerConnection(h.gw.issueGrant(), { url: h.gw.url, logger: { warn: () => {} } });
    connections.push(second);
    second.connect();
    await until(() => second.status === 'online', 'second online');
    const consumer = new Consumer(second, termId);
    const result = await second.attachTerminal(termId, consumer, 0);
    expect(result).toMatchObject({ fromSeq: 0, endSeq: 9 });
    await until(() => consumer.written === 9, 'history');
    expect(consumer.text()).toBe('history\r\n');

    // A terminal that no longer exists is reported as gone and forgotten.
    const ghost = new Consumer(second, 'ghost');
    expect(await second.attachTerminal('ghost', ghost)).toBeUndefined();
    expect(ghost.goneWith?.code).toBe('not_found');
    expect(second.terminalIds).toEqual([termId]);
  });

  it('copes with a gateway that sends output before answering term:open', async () => {
    const h = await setUp({ attachOnOpen: true, demoShell: true });
    await online(h);
    const { consumer, termId } = await openWith(h.conn);
    h.conn.input(termId, 'echo 안녕\r');
    const output = () => h.gw.terminals.get(termId)!.output;
    await until(() => output().toString().endsWith('$ ') && output().toString().includes('안녕\r\n') && consumer.written === output().length, 'echo');
    expect(consumer.text()).toBe(output().toString());
    expect(consumer.skipped()).toBe(0);
  });

  it('rejects requests while offline instead of queueing them', async () => {
    const h = await setUp();
    await expect(h.conn.openTerminal({ cols: 80, rows: 24 }, new Consumer(h.conn))).rejects.toMatchObject({ code: 'offline' });
  });
});

describe('session API', () => {
  it('answers a grant, or the API error (busy) with its code', async () => {
    const gw = await FakeGateway.start();
    gateways.push(gw);
    const grant = await startSession('first-steps', { base: gw.url });
    expect(grant.session.lessonId).toBe('first-steps');
    gw.options.startError = { status: 503, code: 'busy', message: 'all sandboxes are busy' };
    await expect(startSession('first-steps', { base: gw.url })).rejects.toMatchObject({ code: 'busy', status: 503 });
  });

  it('maps a missing API and an unreachable server to client codes', async () => {
    const gw = await FakeGateway.start({ fallback: (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>') });
    gateways.push(gw);
    await expect(refreshGrant('nope', { base: `${gw.url}/elsewhere` })).rejects.toMatchObject({ code: 'unavailable', status: 404 });
    await expect(startSession('x', { base: 'http://127.0.0.1:9' })).rejects.toMatchObject({ code: 'network' });
  });
});

describe('splitInput', () => {
  it('keeps chunks under the limit and never splits a surrogate pair', () => {
    expect(splitInput('abc', 2)).toEqual(['ab', 'c']);
    expect(splitInput('a😀b', 2)).toEqual(['a', '😀', 'b']);
    expect(splitInput('', 2)).toEqual([]);
    const big = '가'.repeat(70_000);
    const chunks = splitInput(big);
    expect(chunks.map((c) => c.length)).toEqual([65_536, 70_000 - 65_536]);
  });
});
