import type { Logger } from 'pino';
import type { WebConfig } from '../config';
import { MemorySessionStore, type SessionStore } from './store';

/** Opens the session store the config names. (PostgreSQL wiring lands with the db layer.) */
export async function openStore(_config: WebConfig, _log: Logger): Promise<SessionStore & { close(): Promise<void> }> {
  return Object.assign(new MemorySessionStore(), { close: async () => {} });
}
