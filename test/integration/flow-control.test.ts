import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server as HttpServer } from 'node:http';
import pino from 'pino';
import { WebConfig } from '../../apps/web/src/server/config';
import { createGateway } from '../../apps/web/src/server/gateway';
import { CourseSource } from '../../apps/web/src/server/lessons/course-source';
import { MemorySessionStore } from '../../apps/web/src/server/sessions/store';
import { dialControlPlane } from '../../worker-agent/src/transport/dial-out';
import { startTestAgent, stripAnsi, type TestAgent } from './harness';
import { joinAsLearner } from './learner';

// Flow control end to end: a real agent (slots 56-59) dials an in-process gateway, a
// page-like socket.io client opens a terminal in a real sandbox and floods it. While the
// page stops acknowledging, the shell must be held (nothing piles up in the agent or the
// gateway); once it acknowledges again, it must get the rest, every byte once, in order.
const log = pino({ level: 'silent' });
const AGENT_TOKEN = 'flow-control-integration-agent-token';
const course = new CourseSource(new URL('../../content', import.meta.url).pathname, false);
const LESSON = course.course.lessons[0]!.manifest.id;
/** "Bounded": well under what an unthrottled `yes` produces in a second (tens of MB). */
const BOUND = 1_000_000;

let t: TestAgent;
let server: HttpServer;
let base = '';
let gateway: Awaited<ReturnType<typeof createGateway>>;
let closeAll: (() => Promise<void>) | null = null;

beforeAll(async () => {
  t = await startTestAgent('flow-control', { first: 56, count: 4 });
  server = createServer((req, res) => void gateway.api(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  const config = WebConfig.parse({ port, secret: 'flow-control-integration-secret-0123456789', agentToken: AGENT_TOKEN });
  gateway = await createGateway({ config, http: server, origins: new Set([base]), store: new MemorySessionStore(), course, version: 'it', log });
  const link = dialControlPlane({ url: base, agentId: t.config.agentId, token: AGENT_TOKEN, manager: t.agent.manager, warnings: () => [], log });
  closeAll = async () => {
    link.close();
    await gateway.close();
    await new Promise<void>((r) => server.close(() => r()));
  };
  for (let i = 0; (await gateway.agents.agents()).length === 0; i++) {
    if (i === 100) throw new Error('the agent did not connect to the gateway within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 180_000);

afterAll(async () => {
  await closeAll?.();
  await t?.stop();
}, 180_000);

/** Bytes the gateway holds for a page's socket: engine.io's write buffer and the WebSocket's. */
function gatewayHeld(socketId: string): number {
  const s = gateway.io.of('/learner').sockets.get(socketId) as unknown as {
    conn: { writeBuffer: { data?: unknown }[]; transport: { socket?: { bufferedAmount?: number } } };
  };
  if (!s) throw new Error(`the gateway has no socket ${socketId}`);
  const ws = s.conn.transport.socket;
  // socket.io's internals: fail loudly rather than measure nothing if they change.
  if (!Array.isArray(s.conn.writeBuffer) || typeof ws?.bufferedAmount !== 'number') throw new Error("cannot read the gateway socket's buffers");
  const size = (d: unknown) => (typeof d === 'string' ? Buffer.byteLength(d) : ((d as { byteLength?: number } | undefined)?.byteLength ?? 0));
  return s.conn.writeBuffer.reduce((n, p) => n + size(p.data), 0) + ws.bufferedAmount;
}

interface AgentHealth {
  terminals: { terminals: number; replayBytes: number; inFlightBytes: number; maxInFlightBytes: number; interruptHeldBytes: number };
}
const health = async () => (await (await fetch(`${t.url}/healthz`)).json()) as AgentHealth;

/**
 * A page-like client with one terminal at its prompt: it keeps every message and
 * acknowledges what it got only while `acking`.
 */
async function openPage() {
  const { socket: page, sessionId, ask } = await joinAsLearner(base, LESSON);
  const term = (await ask<{ termId: string }>('term:open', { cols: 100, rows: 30 })) as { ok: true; data: { termId: string } };
  expect(term.ok).toBe(true);
  const termId = term.data.termId;
  const p = {
    page,
    sessionId,
    termId,
    chunks: [] as { seq: number; data: Buffer }[],
    /** Bytes received, i.e. the end of the last chunk. */
    received: 0,
    acked: 0,
    acking: true,
    ack() {
      if (p.acked < p.received) page.emit('term:ack', { termId, seq: (p.acked = p.received) });
    },
    type(data: string) {
      page.emit('term:input', { termId, data });
    },
    /** What a person reads at the end of the output (colours and titles stripped). */
    tail(bytes = 2_000) {
      const last: Buffer[] = [];
      let n = 0;
      for (let i = p.chunks.length - 1; i >= 0 && n < bytes; i--) {
        last.unshift(p.chunks[i]!.data);
        n += p.chunks[i]!.data.length;
      }
      return stripAnsi(Buffer.concat(last).toString('latin1').slice(-bytes));
    },
    /** Every message starts where the previous one ended; returns the end of the last. */
    contiguousEnd() {
      let next = 0;
      for (const c of p.chunks) {
        expect(c.seq, 'a message does not start where the previous one ended').toBe(next);
        next = c.seq + c.data.length;
      }
      return next;
    },
    endSeq: () => t.agent.manager.get(sessionId).terminals.find((x) => x.termId === termId)!.endSeq,
    stats: () => t.agent.manager.terminalStats(sessionId, termId),
  };
  page.on('term:data', (d: { termId: string; seq: number; data: ArrayBuffer }) => {
    if (d.termId !== termId) return;
    const data = Buffer.from(d.data);
    p.chunks.push({ seq: d.seq, data });
    p.received = d.seq + data.length;
    if (p.acking) p.ack();
  });
  const attached = (await ask<{ fromSeq: number }>('term:attach', { termId, fromSeq: 0 })) as { ok: true; data: { fromSeq: number } };
  expect(attached.data.fromSeq).toBe(0);
  await expect.poll(() => /\$ $/.test(p.tail()), { timeout: 30_000 }).toBe(true);
  return p;
}

describe('flow control through the real gateway and a real agent', () => {
  it('holds a flooding shell while the page does not acknowledge, keeps buffers bounded, and then delivers the rest without gap or duplicate', async () => {
    const p = await openPage();
    const { page } = p;

    // What the agent and the gateway hold, sampled all along.
    const endSeq = p.endSeq;
    const most = { agentInFlight: 0, agentReplay: 0, gateway: 0, unacked: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const h = await health();
        most.agentInFlight = Math.max(most.agentInFlight, h.terminals.maxInFlightBytes);
        most.agentReplay = Math.max(most.agentReplay, h.terminals.replayBytes);
        most.gateway = Math.max(most.gateway, gatewayHeld(page.id!));
        // Everything the shell produced that the page has not acknowledged, wherever it is.
        most.unacked = Math.max(most.unacked, endSeq() - p.acked);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    // The flood: numbered lines, so that a lost or repeated byte shows in the text too.
    p.acking = false;
    p.type('yes | cat -n\r');
    await expect.poll(() => p.stats().paused, { timeout: 30_000, message: 'the agent never paused the flooding shell' }).toBe(true);
    // The page gets what the window allows, then nothing more.
    let before = -1;
    await expect
      .poll(
        async () => {
          const now = p.received;
          const settled = now === before;
          before = now;
          await new Promise((r) => setTimeout(r, 300));
          return settled;
        },
        { timeout: 30_000, message: 'the page kept getting output although it acknowledged nothing' },
      )
      .toBe(true);
    const heldAt = endSeq();
    const receivedAt = p.received;
    expect(heldAt).toBeGreaterThan(300_000); // the window filled: there was a flood to hold
    // Not acknowledged for two seconds: the shell makes no more output at all.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(endSeq(), 'the shell made output while it should be held').toBe(heldAt);
    expect(p.received, 'the page got output it had no room for').toBe(receivedAt);
    expect(p.stats()).toMatchObject({ paused: true });
    const h = await health();
    expect(h.terminals.terminals).toBe(1);
    expect(h.terminals.maxInFlightBytes).toBeLessThan(BOUND);

    // Acknowledging again: the flood goes on, well past the window.
    p.acking = true;
    p.ack();
    await expect.poll(() => p.received, { timeout: 60_000, message: 'the flood did not go on after acknowledging' }).toBeGreaterThan(heldAt + 3_000_000);
    // Ctrl-C: the shell comes back (the TTY may drop output it held then, so lines are
    // counted only in what arrived before it).
    const beforeCtrlC = p.received;
    p.type('\x03');
    await expect.poll(() => /\^C\r\n[^\n]*\$ $/.test(p.tail()), { timeout: 30_000, message: 'no prompt after Ctrl-C' }).toBe(true);
    sampling = false;
    await sampler;

    console.log(`flow control: held at ${heldAt} bytes; at most ${JSON.stringify(most)}; ${p.received} bytes in all`);
    // Bounded all along, in the agent and in the gateway.
    expect(most.agentInFlight).toBeGreaterThan(0);
    expect(most.agentInFlight).toBeLessThan(BOUND);
    expect(most.agentReplay).toBeLessThan(BOUND);
    expect(most.gateway).toBeLessThan(BOUND);
    expect(most.unacked).toBeLessThan(BOUND);

    // Every byte once, in order: each message starts where the previous one ended...
    expect(p.contiguousEnd()).toBe(endSeq());
    // ...and the numbered lines count up by one, from 1, across the pause.
    const flood = stripAnsi(Buffer.concat(p.chunks.map((c) => c.data)).subarray(0, beforeCtrlC).toString('latin1'));
    const numbers = [...flood.matchAll(/^ *(\d+)\ty\r$/gm)].map((m) => Number(m[1]));
    expect(numbers.length).toBeGreaterThan(200_000);
    const firstWrong = numbers.findIndex((n, i) => n !== i + 1);
    expect(firstWrong, `line ${firstWrong} says ${numbers[firstWrong]}`).toBe(-1);
  });

  /** Floods the terminal while the page acknowledges nothing, until the agent holds the shell. */
  async function backedUp(p: Awaited<ReturnType<typeof openPage>>, command: string) {
    p.acking = false;
    p.type(command);
    await expect.poll(() => p.stats().paused, { timeout: 30_000, message: 'the agent never paused the flooding shell' }).toBe(true);
    // Let the engine's buffers fill behind the held shell.
    await new Promise((r) => setTimeout(r, 500));
  }

  it('Ctrl-C in a backed-up flood drops the old output up to the TTY\'s "^C", as the TTY drops its own', async () => {
    const p = await openPage();
    await backedUp(p, 'yes | cat -n\r');
    const before = p.received;
    p.type('\x03');
    p.acking = true;
    p.ack();
    await expect.poll(() => /\^C\r\n[^\n]*\$ $/.test(p.tail()), { timeout: 30_000, message: 'no prompt after Ctrl-C' }).toBe(true);
    const { interruptDropped } = p.stats();
    const after = p.received - before;
    console.log(`Ctrl-C in a backed-up flood: ${interruptDropped} bytes of old output dropped, ${after} bytes arrived after it`);
    // What was held in the engine (its attach stream alone takes up to 1 MB) never reached the page.
    expect(interruptDropped).toBeGreaterThan(100_000);
    expect((await health()).terminals.interruptHeldBytes).toBe(0);
    expect(p.contiguousEnd()).toBe(p.endSeq());
    // The lines that did arrive still count up by one: only a run at the end was left out.
    const text = stripAnsi(Buffer.concat(p.chunks.map((c) => c.data)).toString('latin1'));
    const numbers = [...text.matchAll(/^ *(\d+)\ty\r$/gm)].map((m) => Number(m[1]));
    expect(numbers.findIndex((n, i) => n !== i + 1)).toBe(-1);
  });

  it('Ctrl-C to a program in raw mode (no "^C" echo) loses nothing: every line arrives, in order', async () => {
    const p = await openPage();
    // Raw mode: ^C is a byte for the program (which ignores it), the TTY neither echoes nor signals.
    await backedUp(p, 'stty raw -echo; seq 1 400000; stty sane; echo seq-done\r');
    p.type('\x03');
    p.acking = true;
    p.ack();
    // (The shell then reads the ^C that waited in the TTY and rings the bell.)
    await expect.poll(() => /seq-done\r\n[^\n]*\$ $/.test(p.tail().replace('\x07', '')), { timeout: 60_000, message: 'no prompt after the raw-mode flood' }).toBe(true);
    expect(p.stats().interruptDropped).toBe(0);
    expect((await health()).terminals.interruptHeldBytes).toBe(0);
    expect(p.contiguousEnd()).toBe(p.endSeq());
    const text = Buffer.concat(p.chunks.map((c) => c.data)).toString('latin1');
    const numbers = [...text.matchAll(/^(\d+)$/gm)].map((m) => Number(m[1]));
    expect(numbers.length).toBe(400_000);
    expect(numbers.findIndex((n, i) => n !== i + 1)).toBe(-1);
  });
});
