import { expect } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, wireParser, type LearnerSessionView, type Result, type SessionGrant } from '@berth/protocol';

/** A page's view of a session on a gateway: its socket, and requests with answers. */
export interface Learner {
  socket: Socket;
  sessionId: string;
  ask<T>(event: string, payload: unknown, timeoutMs?: number): Promise<Result<T>>;
}

/**
 * Starts a session for a new visitor on the gateway at `base` as a page does, and waits
 * until it is ready (within `readyWithinMs`: a real sandbox may boot; a fake agent's is
 * ready at once).
 */
export async function joinAsLearner(
  base: string,
  lessonId: string,
  { readyWithinMs = 90_000, askTimeoutMs = 20_000 }: { readyWithinMs?: number; askTimeoutMs?: number } = {},
): Promise<Learner> {
  const res = await fetch(`${base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ lessonId }),
  });
  expect(res.status).toBe(200);
  const grant = (await res.json()) as SessionGrant;
  const visitor = res.headers.get('set-cookie')!.split(';')[0]!;
  const socket = io(`${base}/learner`, {
    transports: ['websocket'],
    parser: wireParser,
    reconnection: false,
    forceNew: true,
    auth: { token: grant.token, protocolVersion: PROTOCOL_VERSION },
    extraHeaders: { origin: base, cookie: visitor },
  });
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
  const ask = async <T>(event: string, payload: unknown, timeoutMs = askTimeoutMs) => (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Result<T>;
  await expect
    .poll(async () => ((await ask<LearnerSessionView>('session:info', {})) as { data: LearnerSessionView }).data.state, {
      timeout: readyWithinMs,
      interval: Math.min(500, readyWithinMs / 20),
    })
    .toBe('ready');
  return { socket, sessionId: grant.session.sessionId, ask };
}
