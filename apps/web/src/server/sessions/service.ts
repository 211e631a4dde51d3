import {
  BerthError,
  toLearnerView,
  type AgentHello,
  type EndReason,
  type LearnerSessionView,
  type SandboxInfo,
  type SandboxStateEvent,
  type SessionGrant,
} from '@berth/protocol';
import type { Logger } from 'pino';
import { Tokens } from '../auth/tokens';
import type { AgentHub } from '../gateway/agent-hub';
import type { SessionRecord, SessionStore } from './store';

export interface SessionServiceOptions {
  store: SessionStore;
  agents: AgentHub;
  tokens: Tokens;
  /** Lessons a session may be started for. */
  /** Which lesson ids exist (the course may change while developing). */
  lessonIds: { has(id: string): boolean };
  limits: { perVisitorPerHour: number; perAddressPerHour: number };
  /** Memory a default sandbox needs (for placement). */
  sandboxMemoryBytes: number;
  /** Pushes an event to every page of a session. */
  push: (sessionId: string, event: 'session:state' | 'session:warning' | 'term:exit', payload: unknown) => void;
  log: Logger;
}

/**
 * Learner sessions: the visitor's record in the store, the sandbox on an agent,
 * and what pages are told. Route and socket handlers validate, then call this.
 */
export class SessionService {
  /** The newest sandbox info per session, as agents report it. */
  private readonly infos = new Map<string, SandboxInfo>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly o: SessionServiceOptions) {}

  /** The visitor's live session for a lesson, or a new one. */
  async start(visitorId: string, lessonId: string, address: string | null): Promise<SessionGrant> {
    if (!this.o.lessonIds.has(lessonId)) throw new BerthError('not_found', `there is no lesson "${lessonId}"`);
    const existing = await this.o.store.findLive(visitorId, lessonId);
    if (existing) return this.grant(existing.id, visitorId);
    const hourAgo = new Date(Date.now() - 3_600_000);
    if ((await this.o.store.countByVisitorSince(visitorId, hourAgo)) >= this.o.limits.perVisitorPerHour) {
      throw new BerthError('rate_limited', 'you started many sandboxes in the last hour; try again later');
    }
    if (address && (await this.o.store.countByAddressSince(address, hourAgo)) >= this.o.limits.perAddressPerHour) {
      throw new BerthError('rate_limited', 'many sandboxes were started from your network in the last hour; try again later');
    }
    const agentId = await this.o.agents.pick(this.o.sandboxMemoryBytes);
    if (!agentId) throw new BerthError('busy', 'all sandboxes are busy, try again in a minute');
    const id = Tokens.newId();
    let record: SessionRecord;
    try {
      record = await this.o.store.create({
        id,
        visitorId,
        lessonId,
        agentId,
        limits: {},
        expiresAt: new Date(Date.now() + 2 * 3_600_000),
        clientAddress: address,
      });
    } catch (err) {
      // Two tabs raced: the store keeps one live session per visitor and lesson.
      const winner = await this.o.store.findLive(visitorId, lessonId);
      if (winner) return this.grant(winner.id, visitorId);
      throw err;
    }
    // The sandbox comes up in the background; the page hears `ready` on its socket.
    void this.o.agents.request(agentId, 'sandbox:create', { sessionId: id, profile: 'default' }).then(
      (info) => this.remember(info),
      async (err: BerthError) => {
        this.o.log.warn({ sessionId: id, agentId, err: err.message }, 'sandbox creation failed');
        const reason: EndReason = { code: 'start-failed', message: err.message };
        await this.o.store.updateState(id, 'failed', reason);
        this.o.push(id, 'session:state', { ...this.viewOf(record), state: 'failed', reason });
      },
    );
    return this.grantFor(record);
  }

  /** A fresh token for the visitor's own session. */
  async grant(sessionId: string, visitorId: string): Promise<SessionGrant> {
    const record = await this.o.store.get(sessionId);
    if (!record || record.visitorId !== visitorId) throw new BerthError('not_found', 'no such session for you');
    return this.grantFor(record);
  }

  async view(sessionId: string): Promise<LearnerSessionView> {
    const record = await this.require(sessionId);
    if (record.state !== 'interrupted' && (await this.o.agents.isConnected(record.agentId))) {
      try {
        this.remember(await this.o.agents.request(record.agentId, 'sandbox:get', { sessionId }, 10_000));
      } catch (err) {
        if ((err as BerthError).code !== 'not_found') throw err;
      }
    }
    return this.viewOf(record);
  }

  async reset(sessionId: string): Promise<LearnerSessionView> {
    const record = await this.require(sessionId);
    const info = await this.o.agents.request(record.agentId, 'sandbox:reset', { sessionId }, 120_000);
    this.remember(info);
    await this.o.store.updateState(sessionId, info.state);
    return toLearnerView(info, record.lessonId);
  }

  // ---- what agents report ----------------------------------------------------

  /** Events of one session are applied in the order the agent sent them. */
  onState(agentId: string, event: SandboxStateEvent): Promise<void> {
    const previous = this.queues.get(event.sessionId) ?? Promise.resolve();
    const next = previous.then(() => this.applyState(agentId, event)).catch((err) => this.o.log.error({ err }, 'state update failed'));
    this.queues.set(event.sessionId, next);
    void next.then(() => {
      if (this.queues.get(event.sessionId) === next) this.queues.delete(event.sessionId);
    });
    return next;
  }

  private async applyState(agentId: string, event: SandboxStateEvent): Promise<void> {
    const record = await this.o.store.get(event.sessionId);
    if (!record || record.agentId !== agentId) return;
    if (event.info) this.remember(event.info);
    await this.o.store.updateState(event.sessionId, event.state, event.reason);
    this.o.push(event.sessionId, 'session:state', this.viewOf({ ...record, state: event.state, endReason: event.reason ?? null }));
  }

  /** An agent went away: its sessions are interrupted until it comes back. */
  async onAgentLost(agentId: string): Promise<void> {
    for (const record of await this.o.store.markAgentInterrupted(agentId)) {
      this.o.push(record.id, 'session:state', this.viewOf({ ...record, state: 'interrupted' }));
    }
  }

  /**
   * An agent (re)connected and listed its sandboxes: sessions come back; sessions it
   * no longer has ended with it; sandboxes nobody knows are removed.
   */
  async onHello(agentId: string, hello: AgentHello): Promise<void> {
    const listed = new Map(hello.sandboxes.map((s) => [s.sessionId, s]));
    for (const record of await this.o.store.liveOfAgent(agentId)) {
      const info = listed.get(record.id);
      if (info) {
        this.remember(info);
        await this.o.store.updateState(record.id, info.state, info.reason);
        this.o.push(record.id, 'session:state', this.viewOf({ ...record, state: info.state }));
        listed.delete(record.id);
      } else {
        const reason: EndReason = { code: 'agent-restart', message: 'the sandbox host restarted without this sandbox' };
        await this.o.store.updateState(record.id, 'failed', reason);
        this.o.push(record.id, 'session:state', this.viewOf({ ...record, state: 'failed', endReason: reason }));
      }
    }
    for (const sessionId of listed.keys()) {
      const record = await this.o.store.get(sessionId);
      if (record && record.agentId === agentId && record.state !== 'stopped' && record.state !== 'failed') continue;
      this.o.log.info({ agentId, sessionId }, 'removing a sandbox no session owns');
      void this.o.agents.request(agentId, 'sandbox:destroy', { sessionId }).catch(() => undefined);
    }
  }

  forget(sessionId: string): void {
    this.infos.delete(sessionId);
  }

  private remember(info: SandboxInfo): void {
    this.infos.set(info.sessionId, info);
  }

  private async require(sessionId: string): Promise<SessionRecord> {
    const record = await this.o.store.get(sessionId);
    if (!record) throw new BerthError('not_found', 'no such session');
    return record;
  }

  private async grantFor(record: SessionRecord): Promise<SessionGrant> {
    const { token, expiresAt } = await this.o.tokens.sessionToken(record.id, record.visitorId);
    return { session: this.viewOf(record), token, tokenExpiresAt: expiresAt.toISOString() };
  }

  private viewOf(record: SessionRecord): LearnerSessionView {
    const info = this.infos.get(record.id);
    const view: LearnerSessionView = info
      ? toLearnerView(info, record.lessonId)
      : { sessionId: record.id, lessonId: record.lessonId, state: record.state, expiresAt: record.expiresAt.toISOString(), terminals: [] };
    // The store knows about interruptions; agents do not.
    if (record.state === 'interrupted' || record.state === 'failed' || record.state === 'stopped') view.state = record.state;
    if (record.endReason && view.state !== 'ready') view.reason = record.endReason;
    return view;
  }
}
