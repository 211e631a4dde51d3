import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { AgentConfig } from '../../worker-agent/src/config';
import { startAgent } from '../../worker-agent/src/main';
import { AgentClient } from '../../worker-agent/src/client/agent-client';

export const REPO = new URL('../..', import.meta.url).pathname;

/** Fails loudly (no silent skip) when the host was not prepared. */
export function requireHost(): void {
  try {
    execFileSync('docker', ['image', 'inspect', 'berth/session:latest'], { stdio: 'ignore' });
  } catch {
    throw new Error('the session image is missing: run `bash infra/setup.sh` (or infra/setup-host.sh + infra/build-images.sh) first');
  }
}

export const sessionId = (tag: string) => `${tag}-${randomBytes(9).toString('base64url')}`;

export interface TestAgent {
  client: AgentClient;
  url: string;
  token: string;
  agent: Awaited<ReturnType<typeof startAgent>>;
  config: AgentConfig;
  stop(): Promise<void>;
}

/** A real agent on the real engine, in this process, with its own id and slots. */
export async function startTestAgent(name: string, slots: { first: number; count: number }, extra: Partial<AgentConfig> = {}): Promise<TestAgent> {
  requireHost();
  const token = randomBytes(24).toString('hex');
  const config = AgentConfig.parse({
    agentId: `it-${name}`,
    token,
    listen: { host: '127.0.0.1', port: 0 },
    profilesDir: `${REPO}content/sandbox-profiles`,
    stateDir: '/var/lib/berth/test-agents',
    slots,
    logLevel: 'warn',
    ...extra,
  });
  const agent = await startAgent(config);
  const url = `http://127.0.0.1:${agent.server?.port}`;
  const client = await AgentClient.connect(url, token);
  return {
    client,
    url,
    token,
    agent,
    config,
    async stop() {
      for (const s of agent.manager.list()) await agent.manager.destroy(s.sessionId).catch(() => undefined);
      await agent.manager.drainPool().catch(() => undefined);
      client.close();
      await agent.shutdown('test end');
    },
  };
}

/** Runs a shell command as the learner (bash -lc) and returns its result. */
export async function sh(t: TestAgent, session: string, command: string, timeoutMs = 60_000) {
  return t.agent.manager.runInSandbox(session, ['bash', '-lc', command], timeoutMs);
}

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|${ESC}\\][^${BEL}]*${BEL}|${ESC}[()][A-Z0-9]`, 'g');
export const stripAnsi = (s: string) => s.replace(ANSI, '');

/** A terminal opened and attached the way a browser would, collecting its output. */
export async function openTerminal(t: TestAgent, session: string, viewerId = 'v1') {
  const term = await t.client.request('term:open', { sessionId: session, cols: 100, rows: 30 });
  const chunks: { seq: number; data: Buffer }[] = [];
  let acked = 0;
  let autoAck = true;
  t.client.socket.on('term:data', (d) => {
    if (d.termId !== term.termId || d.viewerId !== viewerId) return;
    const data = Buffer.from(d.data as Uint8Array);
    chunks.push({ seq: d.seq, data });
    if (autoAck) {
      acked = d.seq + data.length;
      t.client.send('term:ack', { sessionId: session, termId: term.termId, viewerId, seq: acked });
    }
  });
  await t.client.request('term:attach', { sessionId: session, termId: term.termId, viewerId, fromSeq: 0 });
  // What a person reads: the bytes without colour and title escape sequences.
  const text = () => stripAnsi(Buffer.concat(chunks.map((c) => c.data)).toString('utf8'));
  return {
    termId: term.termId,
    chunks,
    text,
    type: (data: string) => t.client.send('term:input', { sessionId: session, termId: term.termId, data }),
    setAutoAck: (on: boolean) => (autoAck = on),
    async waitFor(pattern: RegExp, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(text())) {
        if (Date.now() > until) throw new Error(`terminal never showed ${pattern}; it shows:\n${text().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
