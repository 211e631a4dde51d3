import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { createServer } from 'node:http';
import pino from 'pino';
import { AGENT_NAMESPACE, PROTOCOL_VERSION, wireParser, type AgentHello, type Result, type SandboxInfo } from '@berth/protocol';
import { AgentClient } from '../client/agent-client';
import { fakeManager } from '../testing/fake-agent';
import { startStandaloneServer, type StandaloneServer } from './standalone-server';
import { dialControlPlane } from './dial-out';

const TOKEN = 'test-token-0123456789';
const log = pino({ level: 'silent' });
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function standalone() {
  const { manager, driver } = fakeManager();
  const server: StandaloneServer = await startStandaloneServer({ host: '127.0.0.1', port: 0, token: TOKEN, manager, log });
  cleanups.push(() => server.close());
  const url = `http://127.0.0.1:${server.port}`;
  return { url, manager, driver };
}

describe('stand-alone agent API', () => {
  it('refuses a wrong token, another protocol version and a browser Origin', async () => {
    const { url } = await standalone();
    await expect(AgentClient.connect(url, 'wrong-token-0123456789')).rejects.toThrow(/unauthorized/);
    await expect(AgentClient.connect(url, TOKEN, { protocolVersion: PROTOCOL_VERSION + 1 })).rejects.toThrow(/version mismatch/);
    await expect(AgentClient.connect(url, TOKEN, { extraHeaders: { origin: 'http://evil.example' } })).rejects.toThrow();
  });

  it('answers a malformed request with a typed error and changes nothing', async () => {
    const { url, driver } = await standalone();
    const client = await AgentClient.connect(url, TOKEN);
    cleanups.push(() => client.close());
    await expect(client.request('sandbox:create', { sessionId: '../../etc' } as never)).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(client.request('sandbox:create', { sessionId: 'session-aaaa', extra: 1 } as never)).rejects.toMatchObject({
      code: 'bad_request',
    });
    expect(driver.calls).toEqual([]);
    // A fire-and-forget message that is wrong comes back as protocol:error.
    const error = new Promise((resolve) => client.socket.once('protocol:error', resolve));
    client.send('term:input', { sessionId: 'session-aaaa', termId: 't1', data: '' });
    await expect(error).resolves.toMatchObject({ code: 'bad_request', event: 'term:input' });
  });

  it('creates a sandbox, opens a terminal and streams its echo with sequence numbers', async () => {
    const { url } = await standalone();
    const client = await AgentClient.connect(url, TOKEN);
    cleanups.push(() => client.close());
    const states: string[] = [];
    client.socket.on('sandbox:state', (e) => states.push(e.state));
    const info = await client.request('sandbox:create', { sessionId: 'session-aaaa' });
    expect(info.state).toBe('ready');
    const term = await client.request('term:open', { sessionId: 'session-aaaa', cols: 80, rows: 24 });
    const received: Buffer[] = [];
    client.socket.on('term:data', (d) => received.push(Buffer.from(d.data as Uint8Array)));
    await client.request('term:attach', { sessionId: 'session-aaaa', termId: term.termId, viewerId: 'tab1', fromSeq: 0 });
    client.send('term:input', { sessionId: 'session-aaaa', termId: term.termId, data: 'echo 안녕\r' });
    await expect.poll(() => Buffer.concat(received).toString()).toBe('echo 안녕\r');
    expect(states).toEqual(['creating', 'ready']);
  });
});

describe('dial-out link', () => {
  it('says hello with its version and capacity, then serves requests from the gateway', async () => {
    const http = createServer();
    const gateway = new Server(http, { parser: wireParser });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => gateway.close(() => r())));
    const port = (http.address() as { port: number }).port;
    const hello = new Promise<{ hello: AgentHello; created: Result<SandboxInfo> }>((resolve) => {
      gateway.of(AGENT_NAMESPACE).on('connection', (socket) => {
        expect(socket.handshake.auth).toMatchObject({ token: TOKEN, protocolVersion: PROTOCOL_VERSION, agentId: 'fake' });
        socket.on('agent:hello', async (h: AgentHello) => {
          const created = await socket.timeout(5000).emitWithAck('sandbox:create', { sessionId: 'session-dial' });
          resolve({ hello: h, created });
        });
      });
    });
    const { manager } = fakeManager();
    const link = dialControlPlane({ url: `http://127.0.0.1:${port}`, agentId: 'fake', token: TOKEN, manager, warnings: () => ['w'], log });
    cleanups.push(() => link.close());
    const { hello: h, created } = await hello;
    expect(h).toMatchObject({ protocolVersion: PROTOCOL_VERSION, agentId: 'fake', warnings: ['w'], capacity: { maxSessions: 4 } });
    expect(created).toMatchObject({ ok: true, data: { state: 'ready' } });
  });
});

