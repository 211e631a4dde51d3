import { afterEach, describe, expect, it } from 'vitest';
import { refreshGrant } from '@/client/api';
import { LearnerConnection } from '@/client/learner-connection';
import { FakeGateway } from '@/client/testing/fake-gateway';
import { until } from '@/client/testing/until';
import { TerminalController } from './terminal-controller';

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A connection to a fake gateway whose sandbox is ready, still connecting. */
async function connecting() {
  const gw = await FakeGateway.start();
  const conn = new LearnerConnection(gw.issueGrant(), {
    url: gw.url,
    refreshGrant: (id) => refreshGrant(id, { base: gw.url }),
    logger: { warn: () => undefined },
  });
  cleanups.push(() => gw.close(), () => conn.dispose());
  conn.connect();
  return { gw, conn };
}

async function connected() {
  const { gw, conn } = await connecting();
  await until(() => conn.status === 'online' && conn.session.state === 'ready', 'the session to be ready');
  return { gw, conn };
}

describe('TerminalController', { timeout: 20_000 }, () => {
  it('closes a terminal on the server when its tab is closed', async () => {
    const { gw, conn } = await connected();
    const tab = new TerminalController(conn, 'a', 1);
    tab.start(80, 24);
    await until(() => tab.getSnapshot().phase === 'live', 'the terminal to be live');
    expect(gw.terminals.size).toBe(1);
    tab.close();
    await until(() => gw.terminals.size === 0, 'the terminal to be closed on the server');
  });

  it('opens a terminal asked for while the socket is still connecting (Start on a sandbox that is ready at once)', async () => {
    const { gw, conn } = await connecting();
    expect(conn.status).toBe('connecting');
    const tab = new TerminalController(conn, 'a', 1);
    tab.start(80, 24);
    await until(() => tab.getSnapshot().phase !== 'pending', 'the terminal to open');
    expect(tab.getSnapshot()).toMatchObject({ phase: 'live', error: null });
    expect(gw.terminals.size).toBe(1);
  });

  it('closes a terminal whose tab was closed while it was still opening (no orphan on the server)', async () => {
    const { gw, conn } = await connected();
    const tab = new TerminalController(conn, 'a', 1);
    tab.start(80, 24);
    tab.close(); // before the open's reply
    await until(() => gw.receivedOf('term:close').length === 1, 'the close to reach the server');
    expect(gw.terminals.size).toBe(0);
    expect(tab.getSnapshot().phase).toBe('pending');
  });
});
