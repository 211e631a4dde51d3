import { parseCookie as parseCookies } from 'cookie';
import type { Namespace, Socket } from 'socket.io';
import {
  BerthError,
  BrowserHandshake,
  browserFireAndForget,
  browserRequestSchemas,
  checkProtocolVersion,
  toProtocolError,
  type BrowserNotifyEvents,
  type BrowserRequestEvents,
  type BrowserRequestName,
  type Result,
} from '@berth/protocol';
import type { Logger } from 'pino';
import { VISITOR_COOKIE, type Tokens } from '../auth/tokens';
import type { SessionService } from '../sessions/service';
import type { SessionStore } from '../sessions/store';
import type { AgentHub } from './agent-hub';
import type { LessonActions } from '../lessons/lesson-actions';
import type { PreviewAuth } from '../preview/preview-auth';
import type { BrowserPreviewOpen, WatchSet } from '@berth/protocol';

interface LearnerData {
  sessionId: string;
  lessonId: string;
  visitorId: string;
  agentId: string;
  /** Terminals this page is attached to (detached when it goes away). */
  attached: Set<string>;
  /** The page asked the agent to watch files (unwatched when it goes away). */
  watching: boolean;
  /** Simple flood guard: messages in the current second. */
  window: { start: number; count: number };
}

type LearnerNamespace = Namespace<BrowserRequestEvents, BrowserNotifyEvents, Record<string, never>, LearnerData>;
type LearnerSocket = Socket<BrowserRequestEvents, BrowserNotifyEvents, Record<string, never>, LearnerData>;

export const MAX_MESSAGES_PER_SECOND = 400;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * Browsers connect here (namespace /learner): allowed Origin, a valid token bound
 * to one session and to the visitor cookie the browser sends. Every message is
 * validated and only ever reaches that session's sandbox; the page is the viewer
 * (its socket id), so acknowledgements carry flow control end to end.
 */
export class LearnerHub {
  constructor(
    private readonly nsp: LearnerNamespace,
    private readonly deps: {
      origins: ReadonlySet<string>;
      tokens: Tokens;
      store: SessionStore;
      agents: AgentHub;
      sessions: SessionService;
      lessons: LessonActions;
      previews: PreviewAuth;
      log: Logger;
    },
  ) {
    nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: BerthError) => next(Object.assign(new Error(err.message), { data: { code: err.code ?? 'unauthorized' } })),
      );
    });
    nsp.on('connection', (socket) => this.serve(socket));
  }

  /** Output of a terminal for one page: straight to its socket when it is connected here (no room broadcast). */
  toViewer(viewerId: string, event: 'term:data', payload: Parameters<BrowserNotifyEvents['term:data']>[0]): void {
    const socket = this.nsp.sockets.get(viewerId);
    if (socket) socket.emit(event, payload);
    else this.nsp.to(viewerId).emit(event, payload);
  }

  /** An event for every page of a session. */
  toSession(sessionId: string, event: keyof BrowserNotifyEvents, payload: unknown): void {
    (this.nsp.to(sessionRoom(sessionId)).emit as (e: string, p: unknown) => void)(event, payload);
  }

  private async authenticate(socket: LearnerSocket): Promise<void> {
    const origin = socket.handshake.headers.origin;
    if (!origin || !this.deps.origins.has(origin)) throw new BerthError('unauthorized', 'this origin may not connect');
    const auth = BrowserHandshake.safeParse(socket.handshake.auth);
    if (!auth.success) throw new BerthError('unauthorized', 'a session token is required');
    const mismatch = checkProtocolVersion(auth.data.protocolVersion);
    if (mismatch) throw new BerthError('version_mismatch', mismatch);
    let claims: { sessionId: string; visitorId: string };
    try {
      claims = await this.deps.tokens.verifySessionToken(auth.data.token);
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new BerthError('unauthorized', expired ? 'token expired' : 'invalid token');
    }
    // The token must be used by the visitor it was made for (a leaked token is not enough).
    const cookie = parseCookies(socket.handshake.headers.cookie ?? '')[VISITOR_COOKIE];
    const visitorId = await this.deps.tokens.visitorFrom(cookie);
    if (visitorId !== claims.visitorId) throw new BerthError('unauthorized', 'this token belongs to another visitor');
    const record = await this.deps.store.get(claims.sessionId);
    if (!record || record.visitorId !== visitorId) throw new BerthError('unauthorized', 'no such session');
    socket.data = {
      sessionId: record.id,
      lessonId: record.lessonId,
      visitorId,
      agentId: record.agentId,
      attached: new Set(),
      watching: false,
      window: { start: Date.now(), count: 0 },
    };
  }

  private serve(socket: LearnerSocket): void {
    const { sessionId, agentId, lessonId } = socket.data;
    const lesson = { sessionId, agentId, lessonId };
    void socket.join(sessionRoom(sessionId));
    const viewerId = socket.id;
    const handlers: { [N in BrowserRequestName]: (req: never) => unknown } = {
      'session:info': () => this.deps.sessions.view(sessionId),
      'session:reset': () => this.deps.sessions.reset(sessionId),
      'term:open': (req: { cols: number; rows: number }) =>
        this.deps.agents.request(agentId, 'term:open', { sessionId, cols: req.cols, rows: req.rows }),
      'term:attach': async (req: { termId: string; fromSeq: number }) => {
        const result = await this.deps.agents.request(agentId, 'term:attach', {
          sessionId,
          termId: req.termId,
          viewerId,
          fromSeq: req.fromSeq,
          mode: 'interactive',
        });
        socket.data.attached.add(req.termId);
        return result;
      },
      'term:close': async (req: { termId: string }) => {
        socket.data.attached.delete(req.termId);
        await this.deps.agents.request(agentId, 'term:close', { sessionId, termId: req.termId });
        return req;
      },
      'term:input': (req: { termId: string; data: string }) => this.deps.agents.send(agentId, 'term:input', { sessionId, ...req }),
      'term:resize': (req: { termId: string; cols: number; rows: number }) =>
        this.deps.agents.send(agentId, 'term:resize', { sessionId, ...req }),
      'term:ack': (req: { termId: string; seq: number }) => this.deps.agents.send(agentId, 'term:ack', { sessionId, viewerId, ...req }),
      'lesson:check': (req: { stepId: string; lang: 'en' | 'ko' }) => this.deps.lessons.check(lesson, req.stepId, req.lang),
      'lesson:setup': (req: { stepId: string; lang: 'en' | 'ko' }) => this.deps.lessons.setup(lesson, req.stepId, req.lang),
      'lesson:createFile': (req: { stepId: string; lang: 'en' | 'ko'; path: string }) =>
        this.deps.lessons.createFile(lesson, req.stepId, req.lang, req.path),
      // Files: the agent reads and writes them as the learner inside the sandbox.
      'fs:list': (req: { path: string }) => this.deps.agents.request(agentId, 'sandbox:listDir', { sessionId, path: req.path }, 20_000),
      'fs:read': (req: { path: string; as: 'text' | 'bytes' }) =>
        this.deps.agents.request(agentId, 'sandbox:readFile', { sessionId, path: req.path, as: req.as }, 20_000),
      'fs:stat': (req: { path: string }) => this.deps.agents.request(agentId, 'sandbox:stat', { sessionId, path: req.path }, 20_000),
      'fs:write': (req: { path: string; content: string | Uint8Array<ArrayBuffer> | ArrayBuffer; ifMatch?: string | null }) =>
        this.deps.agents.request(agentId, 'sandbox:writeFile', { sessionId, ...req }, 20_000),
      'fs:remove': (req: { path: string; recursive: boolean }) =>
        this.deps.agents.request(agentId, 'sandbox:removePath', { sessionId, ...req }, 30_000),
      'fs:rename': (req: { from: string; to: string }) => this.deps.agents.request(agentId, 'sandbox:renamePath', { sessionId, ...req }, 20_000),
      'fs:mkdir': (req: { path: string }) => this.deps.agents.request(agentId, 'sandbox:makeDir', { sessionId, path: req.path }, 20_000),
      'fs:watch': async (req: WatchSet) => {
        socket.data.watching = true;
        return this.deps.agents.request(agentId, 'sandbox:watch', { sessionId, viewerId, dirs: req.dirs, files: req.files }, 20_000);
      },
      // Previews: a one-time URL on the preview's own origin, for this session's owner only.
      'preview:open': async (req: Required<BrowserPreviewOpen>) => {
        const claims = { sessionId, visitorId: socket.data.visitorId, port: req.port };
        return { port: req.port, origin: this.deps.previews.origin(sessionId, req.port), url: await this.deps.previews.ticketUrl(claims, req.path) };
      },
    };
    for (const name of Object.keys(browserRequestSchemas) as BrowserRequestName[]) {
      socket.on(name as never, ((payload: unknown, ack: unknown) => {
        void this.handle(socket, name, payload, typeof ack === 'function' ? (ack as (r: Result<unknown>) => void) : undefined, handlers[name]);
      }) as never);
    }
    socket.on('disconnect', () => {
      for (const termId of socket.data.attached) {
        void this.deps.agents.request(agentId, 'term:detach', { sessionId, termId, viewerId }, 5_000).catch(() => undefined);
      }
      if (socket.data.watching) void this.deps.agents.request(agentId, 'sandbox:unwatch', { sessionId, viewerId }, 5_000).catch(() => undefined);
    });
  }

  private async handle(
    socket: LearnerSocket,
    name: BrowserRequestName,
    payload: unknown,
    ack: ((r: Result<unknown>) => void) | undefined,
    handler: (req: never) => unknown,
  ): Promise<void> {
    const reply = (result: Result<unknown>) => {
      if (ack) ack(result);
      else if (!result.ok) socket.emit('protocol:error', { ...result.error, event: name });
    };
    const now = Date.now();
    const w = socket.data.window;
    if (now - w.start >= 1000) Object.assign(w, { start: now, count: 0 });
    if (++w.count > MAX_MESSAGES_PER_SECOND) {
      if (w.count === MAX_MESSAGES_PER_SECOND + 1) reply({ ok: false, error: { code: 'limit', message: 'too many messages; slow down' } });
      return;
    }
    if (!browserFireAndForget.has(name) && !ack) {
      reply({ ok: false, error: { code: 'bad_request', message: `${name} needs an acknowledgement callback` } });
      return;
    }
    const parsed = browserRequestSchemas[name].safeParse(payload);
    if (!parsed.success) {
      reply({ ok: false, error: { code: 'bad_request', message: `invalid ${name} message` } });
      return;
    }
    try {
      const data = await handler(parsed.data as never);
      if (!browserFireAndForget.has(name)) reply({ ok: true, data: data ?? null });
    } catch (err) {
      const error = toProtocolError(err);
      if (error.code === 'internal') this.deps.log.error({ err, event: name }, 'browser request failed');
      reply({ ok: false, error });
    }
  }
}
