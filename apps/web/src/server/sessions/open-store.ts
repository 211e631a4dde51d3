import type { Logger } from 'pino';
import type { WebConfig } from '../config';
import { openDatabase, type SessionRepository } from '../db';
import type { SessionStore } from './store';

/** The PostgreSQL-backed store: the repository under the gateway's store interface. */
export function postgresStore(repo: SessionRepository): SessionStore {
  return {
    create: (s) => repo.createSession({ ...s, limits: (s.limits ?? {}) as Record<string, never> }),
    get: (id) => repo.getSession(id),
    findLive: (visitorId, lessonId) => repo.findLiveSession(visitorId, lessonId),
    updateState: async (id, state, reason) => {
      await repo.updateSessionState(id, state, reason);
    },
    markAgentInterrupted: (agentId) => repo.markAgentInterrupted(agentId),
    liveOfAgent: (agentId) => repo.listLiveSessionsOfAgent(agentId),
    countByVisitorSince: (visitorId, since) => repo.countRecentSessionsByVisitor(visitorId, since),
    countByAddressSince: (address, since) => repo.countRecentSessionsByAddress(address, since),
    ping: () => repo.ping(),
  };
}

/**
 * Opens the database the config names (a server by URL, or the embedded
 * PostgreSQL by default), applies migrations, and returns the session store.
 */
export async function openStore(config: WebConfig, log: Logger): Promise<SessionStore & { close(): Promise<void> }> {
  const db = await openDatabase(config.database ?? { embedded: {} }, { log: (line) => log.info({ db: true }, line) });
  log.info({ applied: db.migrations.applied, embedded: Boolean(db.embedded) }, 'database ready');
  return { ...postgresStore(db.sessions), close: () => db.close() };
}
