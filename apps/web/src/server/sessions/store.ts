import type { EndReason } from '@berth/protocol';

export type StoredState = 'creating' | 'ready' | 'stopping' | 'stopped' | 'failed' | 'interrupted';
export const LIVE_STATES: readonly StoredState[] = ['creating', 'ready', 'stopping', 'interrupted'];

export interface SessionRecord {
  id: string;
  visitorId: string;
  lessonId: string;
  agentId: string;
  state: StoredState;
  limits: unknown;
  clientAddress: string | null;
  createdAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: EndReason | null;
}

export interface NewSession {
  id: string;
  visitorId: string;
  lessonId: string;
  agentId: string;
  limits: unknown;
  expiresAt: Date;
  clientAddress: string | null;
}

/** Where sessions are kept: PostgreSQL in production, memory in unit tests. */
export interface SessionStore {
  create(session: NewSession): Promise<SessionRecord>;
  get(id: string): Promise<SessionRecord | null>;
  findLive(visitorId: string, lessonId: string): Promise<SessionRecord | null>;
  updateState(id: string, state: StoredState, reason?: EndReason): Promise<void>;
  /** Live sessions of an agent that went away become `interrupted`; returns them. */
  markAgentInterrupted(agentId: string): Promise<SessionRecord[]>;
  liveOfAgent(agentId: string): Promise<SessionRecord[]>;
  countByVisitorSince(visitorId: string, since: Date): Promise<number>;
  countByAddressSince(address: string, since: Date): Promise<number>;
  /** Throws when the store cannot answer (health). */
  ping(): Promise<void>;
}

/** The in-memory store, for unit tests of the gateway. */
export class MemorySessionStore implements SessionStore {
  readonly rows = new Map<string, SessionRecord>();

  async create(s: NewSession): Promise<SessionRecord> {
    const row: SessionRecord = { ...s, state: 'creating', createdAt: new Date(), endedAt: null, endReason: null };
    this.rows.set(s.id, row);
    return { ...row };
  }

  async get(id: string) {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async findLive(visitorId: string, lessonId: string) {
    const row = [...this.rows.values()]
      .filter((r) => r.visitorId === visitorId && r.lessonId === lessonId && LIVE_STATES.includes(r.state))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    return row ? { ...row } : null;
  }

  async updateState(id: string, state: StoredState, reason?: EndReason) {
    const row = this.rows.get(id);
    if (!row) return;
    row.state = state;
    if (reason) row.endReason = reason;
    if (!LIVE_STATES.includes(state)) row.endedAt ??= new Date();
  }

  async markAgentInterrupted(agentId: string) {
    const hit = [...this.rows.values()].filter((r) => r.agentId === agentId && LIVE_STATES.includes(r.state));
    for (const r of hit) r.state = 'interrupted';
    return hit.map((r) => ({ ...r }));
  }

  async liveOfAgent(agentId: string) {
    return [...this.rows.values()].filter((r) => r.agentId === agentId && LIVE_STATES.includes(r.state)).map((r) => ({ ...r }));
  }

  async countByVisitorSince(visitorId: string, since: Date) {
    return [...this.rows.values()].filter((r) => r.visitorId === visitorId && r.createdAt >= since).length;
  }

  async countByAddressSince(address: string, since: Date) {
    return [...this.rows.values()].filter((r) => r.clientAddress === address && r.createdAt >= since).length;
  }

  async ping() {}
}
