import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { AGENT_NAMESPACE, BROWSER_NAMESPACE, wireParser, type PreviewData } from '@berth/protocol';
import type { Logger } from 'pino';
import { Tokens } from '../auth/tokens';
import { previewBaseUrl, type WebConfig } from '../config';
import { createApi } from '../http/api';
import { SessionService } from '../sessions/service';
import type { SessionStore } from '../sessions/store';
import type { CourseSource } from '../lessons/course-source';
import { LessonActions } from '../lessons/lesson-actions';
import { AgentHub } from './agent-hub';
import { LearnerHub } from './learner-hub';
import { PreviewAuth } from '../preview/preview-auth';
import { createPreviewProxy, type PreviewSession } from '../preview/proxy';
import { GatewayTunnels } from '../preview/tunnels';

export const MAX_MESSAGE_BYTES = 1_000_000;

/**
 * The gateway: socket.io on the web server's port, with agents on /agent and
 * pages on /learner, the session service between them, and the live HTTP API.
 */
export async function createGateway(opts: {
  config: WebConfig;
  http: HttpServer;
  origins: ReadonlySet<string>;
  store: SessionStore;
  course: CourseSource;
  version: string;
  log: Logger;
  /** Where previews live: http://preview.localhost:PORT gives http://8080-<slug>.preview.localhost:PORT. */
  previewBaseUrl?: string;
}) {
  const { config, log } = opts;
  const io = new Server(opts.http, {
    serveClient: false,
    transports: ['websocket'],
    parser: wireParser,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // Browsers must come from an allowed Origin; agents (Node) send none and
    // authenticate with their token in their namespace.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(origin && !opts.origins.has(origin) ? 'origin not allowed' : null, !origin || opts.origins.has(origin));
    },
  });
  const closers: (() => Promise<unknown>)[] = [];
  let closing = false;
  if (config.redisUrl) {
    const [{ createAdapter }, { createClient }] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')]);
    const pub = createClient({ url: config.redisUrl });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
    closers.push(() => pub.quit(), () => sub.quit());
    log.info('socket.io uses the Redis adapter (several gateways)');
  }
  const tokens = new Tokens(config.secret, config.tokenMinutes);
  let learners: LearnerHub | null = null;
  const previewAuth = new PreviewAuth(config.secret, opts.previewBaseUrl ?? previewBaseUrl(config, config.port));
  const tunnels: GatewayTunnels = new GatewayTunnels({
    connect: (agentId, req) => agents.request(agentId, 'preview:connect', req, 15_000),
    send: (agentId, event, payload) => agents.send(agentId, event, payload as never),
    relay: config.redisUrl ? (event, payload) => agents.relay(event, payload) : undefined,
  });
  const agents: AgentHub = new AgentHub(
    io.of(AGENT_NAMESPACE) as never,
    config.agentToken,
    {
      hello: (agentId, hello) => void sessions.onHello(agentId, hello).catch((err) => log.error({ err }, 'agent hello failed')),
      state: (agentId, event) => void sessions.onState(agentId, event).catch((err) => log.error({ err }, 'state update failed')),
      warning: (_agentId, event) =>
        learners?.toSession(event.sessionId, 'session:warning', { kind: event.kind, endsAt: event.endsAt, secondsLeft: event.secondsLeft }),
      termData: (_agentId, event) =>
        learners?.toViewer(event.viewerId, 'term:data', { termId: event.termId, seq: event.seq, data: event.data }),
      termExit: (_agentId, event) => learners?.toSession(event.sessionId, 'term:exit', { termId: event.termId, exitCode: event.exitCode }),
      filesChanged: (_agentId, event) => learners?.toSession(event.sessionId, 'fs:changed', { dirs: event.dirs, files: event.files }),
      ports: (_agentId, event) => learners?.toSession(event.sessionId, 'preview:ports', { ports: event.ports, portsVersion: event.portsVersion }),
      preview: (event, payload) => tunnels.deliver(event, payload),
      // Agents dropped because this process is closing are not lost: they dial the next one.
      lost: (agentId) => {
        tunnels.closeAgent(agentId);
        if (!closing) void sessions.onAgentLost(agentId).catch((err) => log.error({ err }, 'marking sessions interrupted failed'));
      },
    },
    log,
  );
  agents.onRelay((event, payload: PreviewData) => tunnels.deliver(event, payload, true));
  const sessions: SessionService = new SessionService({
    store: opts.store,
    agents,
    tokens,
    lessonIds: { has: (id) => opts.course.lesson(id) !== undefined },
    limits: { perVisitorPerHour: config.rateLimits.sessionsPerVisitorPerHour, perAddressPerHour: config.rateLimits.sessionsPerAddressPerHour },
    sandboxMemoryBytes: 1536 * 1024 * 1024,
    push: (sessionId, event, payload) => learners?.toSession(sessionId, event, payload),
    log,
  });
  const lessons = new LessonActions(opts.course, agents);
  learners = new LearnerHub(io.of(BROWSER_NAMESPACE) as never, {
    origins: opts.origins,
    tokens,
    store: opts.store,
    agents,
    sessions,
    lessons,
    previews: previewAuth,
    log,
  });
  // Who owns a session and whether its sandbox may be reached, read at most every few seconds.
  const owners = new Map<string, { at: number; value: PreviewSession | null }>();
  const preview = createPreviewProxy({
    auth: previewAuth,
    tunnels,
    siteOrigins: opts.origins,
    log,
    lookup: async (sessionId) => {
      const cached = owners.get(sessionId);
      if (cached && Date.now() - cached.at < 3_000) return cached.value;
      const record = await opts.store.get(sessionId);
      const value = record ? { agentId: record.agentId, visitorId: record.visitorId, live: record.state !== 'stopped' && record.state !== 'failed' } : null;
      if (owners.size > 10_000) owners.clear();
      owners.set(sessionId, { at: Date.now(), value });
      return value;
    },
  });
  const api = createApi({
    origins: opts.origins,
    tokens,
    sessions,
    agents,
    store: opts.store,
    secureCookies: [...opts.origins].every((o) => o.startsWith('https:')),
    trustProxyHops: config.trustProxyHops,
    version: opts.version,
    log,
  });
  const close = async () => {
    closing = true;
    // Nothing is pushed to pages once closing starts: late agent events would
    // otherwise publish on a Redis client that is about to quit.
    learners = null;
    await new Promise<void>((resolve) => io.close(() => resolve()));
    for (const c of closers) await c().catch(() => undefined);
  };
  return { io, api, agents, sessions, preview, previewAuth, tunnels, close };
}
