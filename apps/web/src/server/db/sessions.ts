/**
 * Sessions and visitors in PostgreSQL: plain async functions over a Prisma client.
 *
 * A session is live until it reaches a final state (stopped, failed): exactly
 * then ended_at is set (a CHECK constraint holds the database to it), and ended
 * sessions never change again. A visitor has at most one live session per lesson
 * (a partial unique index): createSession throws LiveSessionExistsError when a
 * concurrent request won the race.
 */
import type { EndReason, SandboxLimits } from '@berth/protocol';
import { Prisma, type PrismaClient } from './generated/prisma/client';
import type { Session as SessionRow } from './generated/prisma/client';

export type SessionState = 'creating' | 'ready' | 'stopping' | 'stopped' | 'failed' | 'interrupted';
export const FINAL_STATES: readonly SessionState[] = ['stopped', 'failed'];
export const LIVE_STATES: readonly SessionState[] = ['creating', 'ready', 'stopping', 'interrupted'];

/** The limits the agent was asked to apply (resolved SandboxLimits; may be partial). */
export type SessionLimits = Partial<SandboxLimits>;

export interface SessionRecord {
  id: string;
  visitorId: string;
  lessonId: string;
  agentId: string;
  state: SessionState;
  limits: SessionLimits;
  clientAddress: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Set exactly when the state is final. */
  endedAt: Date | null;
  endReason: EndReason | null;
  updatedAt: Date;
}

export interface NewSession {
  id: string;
  visitorId: string;
  lessonId: string;
  agentId: string;
  limits: SessionLimits;
  expiresAt: Date;
  clientAddress: string | null;
}

export interface VisitorRecord {
  id: string;
  createdAt: Date;
  locale: string | null;
}

/** The visitor already has a live session for this lesson (another request created it first). */
export class LiveSessionExistsError extends Error {
  constructor(
    readonly visitorId: string,
    readonly lessonId: string,
  ) {
    super(`visitor ${visitorId} already has a live session for lesson ${lessonId}`);
    this.name = 'LiveSessionExistsError';
  }
}

const LIVE_KEY = 'sessions_live_visitor_lesson_key';

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    visitorId: row.visitorId,
    lessonId: row.lessonId,
    agentId: row.agentId,
    state: row.state,
    limits: row.limits as SessionLimits,
    clientAddress: row.clientAddress,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    endedAt: row.endedAt,
    endReason: (row.endReason ?? null) as EndReason | null,
    updatedAt: row.updatedAt,
  };
}

function isUniqueViolationOf(err: unknown, constraint: string): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') return false;
  return JSON.stringify(err.meta ?? {}).includes(constraint) || err.message.includes(constraint);
}

function isNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025';
}

/** The repository over one client. Every function is independent and stateless. */
export function sessionRepository(prisma: PrismaClient) {
  /** Records the visitor (idempotent); a given locale replaces the stored one. */
  async function ensureVisitor(id: string, locale?: string | null): Promise<VisitorRecord> {
    const rows = await prisma.$queryRaw<{ id: string; created_at: Date; locale: string | null }[]>`
      INSERT INTO visitors (id, locale) VALUES (${id}, ${locale ?? null})
      ON CONFLICT (id) DO UPDATE SET locale = COALESCE(EXCLUDED.locale, visitors.locale)
      RETURNING id, created_at, locale`;
    const row = rows[0];
    if (!row) throw new Error(`visitor ${id} was not recorded`);
    return { id: row.id, createdAt: row.created_at, locale: row.locale };
  }

  async function getVisitor(id: string): Promise<VisitorRecord | null> {
    return prisma.visitor.findUnique({ where: { id } });
  }

  /**
   * A new session in state `creating` (its visitor is recorded if new).
   * Throws LiveSessionExistsError when the visitor has a live one for the lesson.
   */
  async function createSession(s: NewSession): Promise<SessionRecord> {
    await prisma.$executeRaw`INSERT INTO visitors (id) VALUES (${s.visitorId}) ON CONFLICT (id) DO NOTHING`;
    try {
      const row = await prisma.session.create({
        data: {
          id: s.id,
          visitorId: s.visitorId,
          lessonId: s.lessonId,
          agentId: s.agentId,
          limits: s.limits as Prisma.InputJsonObject,
          expiresAt: s.expiresAt,
          clientAddress: s.clientAddress,
        },
      });
      return toRecord(row);
    } catch (err) {
      if (isUniqueViolationOf(err, LIVE_KEY)) throw new LiveSessionExistsError(s.visitorId, s.lessonId);
      throw err;
    }
  }

  /** The visitor's live session for the lesson, if any. */
  async function findLiveSession(visitorId: string, lessonId: string): Promise<SessionRecord | null> {
    const row = await prisma.session.findFirst({ where: { visitorId, lessonId, endedAt: null } });
    return row ? toRecord(row) : null;
  }

  async function getSession(id: string): Promise<SessionRecord | null> {
    const row = await prisma.session.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /**
   * Moves a live session to `state`. A final state (stopped, failed) ends it:
   * ended_at is set and `reason` kept as its end reason. For other states `reason`
   * (or nothing) replaces the stored one. Returns the updated session, or null
   * when there is no live session with that id (unknown or already ended).
   */
  async function updateSessionState(id: string, state: SessionState, reason?: EndReason): Promise<SessionRecord | null> {
    const final = FINAL_STATES.includes(state);
    try {
      const row = await prisma.session.update({
        where: { id, endedAt: null },
        data: {
          state,
          endReason: reason ? (reason as Prisma.InputJsonObject) : Prisma.DbNull,
          ...(final ? { endedAt: new Date() } : {}),
        },
      });
      return toRecord(row);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Ends a live session (state stopped, or failed). Null when it is unknown or had already ended. */
  async function endSession(
    id: string,
    reason: EndReason,
    state: 'stopped' | 'failed' = 'stopped',
  ): Promise<SessionRecord | null> {
    return updateSessionState(id, state, reason);
  }

  /**
   * The agent went away: its live sessions that were not interrupted yet become
   * `interrupted`. Returns those (already interrupted ones are not repeated).
   */
  async function markAgentInterrupted(agentId: string): Promise<SessionRecord[]> {
    const rows = await prisma.session.updateManyAndReturn({
      where: { agentId, endedAt: null, state: { not: 'interrupted' } },
      data: { state: 'interrupted' },
    });
    return rows.map(toRecord).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** The agent's live sessions (interrupted ones included), oldest first. */
  async function listLiveSessionsOfAgent(agentId: string): Promise<SessionRecord[]> {
    const rows = await prisma.session.findMany({ where: { agentId, endedAt: null }, orderBy: { createdAt: 'asc' } });
    return rows.map(toRecord);
  }

  /** Live sessions whose lifetime ran out by `now`, soonest first (for a reaper). */
  async function listExpiredLiveSessions(now: Date = new Date()): Promise<SessionRecord[]> {
    const rows = await prisma.session.findMany({
      where: { endedAt: null, expiresAt: { lte: now } },
      orderBy: { expiresAt: 'asc' },
    });
    return rows.map(toRecord);
  }

  /** Sessions (any state) the visitor created at or after `since`: for rate limits. */
  async function countRecentSessionsByVisitor(visitorId: string, since: Date): Promise<number> {
    return prisma.session.count({ where: { visitorId, createdAt: { gte: since } } });
  }

  /** Sessions (any state) requested from `address` at or after `since`: for rate limits. */
  async function countRecentSessionsByAddress(address: string, since: Date): Promise<number> {
    return prisma.session.count({ where: { clientAddress: address, createdAt: { gte: since } } });
  }

  /** Throws when the database does not answer (health checks). */
  async function ping(): Promise<void> {
    await prisma.$queryRaw`SELECT 1`;
  }

  return {
    ensureVisitor,
    getVisitor,
    createSession,
    findLiveSession,
    getSession,
    updateSessionState,
    endSession,
    markAgentInterrupted,
    listLiveSessionsOfAgent,
    listExpiredLiveSessions,
    countRecentSessionsByVisitor,
    countRecentSessionsByAddress,
    ping,
  };
}

export type SessionRepository = ReturnType<typeof sessionRepository>;
