#!/usr/bin/env -S npx tsx
/**
 * berthctl: an operator's CLI for a stand-alone agent.
 *   berthctl list | capacity
 *   berthctl create [SESSION_ID] [--profile NAME]
 *   berthctl shell SESSION_ID        interactive terminal (Ctrl-] to leave)
 *   berthctl stop|start|reset|destroy SESSION_ID
 * Reads BERTH_AGENT_URL (default http://127.0.0.1:7070) and BERTH_AGENT_TOKEN.
 */
import { randomBytes } from 'node:crypto';
import { AgentClient } from '../client/agent-client';

const USAGE = `usage: berthctl list | capacity | create [SESSION_ID] [--profile NAME] | shell SESSION_ID | stop|start|reset|destroy SESSION_ID`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const url = process.env.BERTH_AGENT_URL ?? 'http://127.0.0.1:7070';
  const token = process.env.BERTH_AGENT_TOKEN;
  if (!token) {
    console.error('berthctl: set BERTH_AGENT_TOKEN (see /etc/berth/agent.json or the README)');
    return 2;
  }
  const client = await AgentClient.connect(url, token);
  try {
    switch (command) {
      case 'list':
        for (const s of await client.request('sandbox:list', {})) {
          console.log(`${s.sessionId}\t${s.state}\t${s.profile}\tsandbox=${s.sandboxId ?? '-'}\tuid=${s.hostUid ?? '-'}\texpires=${s.expiresAt}${s.reason ? `\t${s.reason.message}` : ''}`);
        }
        return 0;
      case 'capacity':
        console.log(JSON.stringify(await client.request('agent:capacity', {}), null, 2));
        return 0;
      case 'create': {
        const profileAt = rest.indexOf('--profile');
        const profile = profileAt >= 0 ? rest[profileAt + 1] : undefined;
        const sessionId = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--profile') ?? randomBytes(12).toString('base64url');
        const started = Date.now();
        const info = await client.request('sandbox:create', profile ? { sessionId, profile } : { sessionId });
        console.log(`${info.sessionId} ${info.state} in ${Date.now() - started} ms (host uid ${info.hostUid})`);
        return 0;
      }
      case 'stop':
      case 'start':
      case 'reset':
      case 'destroy': {
        const sessionId = rest[0];
        if (!sessionId) throw new Error(USAGE);
        const result = await client.request(`sandbox:${command}`, { sessionId });
        console.log(JSON.stringify(result));
        return 0;
      }
      case 'shell':
        return await shell(client, rest[0]);
      default:
        console.error(USAGE);
        return 2;
    }
  } finally {
    client.close();
  }
}

async function shell(client: AgentClient, sessionId: string | undefined): Promise<number> {
  if (!sessionId) throw new Error(USAGE);
  const cols = process.stdout.columns || 80;
  const rows = process.stdout.rows || 24;
  const term = await client.request('term:open', { sessionId, cols, rows });
  const ref = { sessionId, termId: term.termId };
  let received = 0;
  client.socket.on('term:data', (d) => {
    if (d.termId !== term.termId) return;
    const chunk = Buffer.from(d.data as Uint8Array);
    process.stdout.write(chunk);
    received = d.seq + chunk.length;
    client.send('term:ack', { ...ref, viewerId: 'cli', seq: received });
  });
  const exited = new Promise<number>((resolve) => {
    client.socket.on('term:exit', (e) => e.termId === term.termId && resolve(e.exitCode));
    client.socket.on('disconnect', () => resolve(1));
  });
  await client.request('term:attach', { ...ref, viewerId: 'cli', fromSeq: 0 });
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (data: Buffer) => {
    if (data.length === 1 && data[0] === 0x1d) process.exit(0); // Ctrl-]
    client.send('term:input', { ...ref, data: data.toString('utf8') });
  });
  process.stdout.on('resize', () => {
    client.send('term:resize', { ...ref, cols: process.stdout.columns, rows: process.stdout.rows });
  });
  const code = await exited;
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stdin.pause();
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error & { code?: string }) => {
    console.error(`berthctl: ${err.code ? `${err.code}: ` : ''}${err.message}`);
    process.exit(1);
  },
);
