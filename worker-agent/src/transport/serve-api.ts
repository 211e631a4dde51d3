import {
  agentRequestSchemas,
  fireAndForget,
  ok,
  toProtocolError,
  type AgentRequestName,
  type ProtocolError,
  type Result,
} from '@berth/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Notifier, SessionManager } from '../sandbox/manager';
import { AgentTunnels } from '../preview/tunnels';

/** What both socket.io's server socket and its client socket offer. */
export interface Channel {
  readonly id: string | undefined;
  /** False while a client socket is between reconnects: nothing is queued then. */
  readonly connected?: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

type Parsed<N extends AgentRequestName> = z.output<(typeof agentRequestSchemas)[N]>;
type Handlers = { [N in AgentRequestName]: (req: Parsed<N>) => unknown };

/**
 * Serves the agent API on one connection: every inbound message is validated
 * against the protocol's schema before it reaches the manager; failures come back
 * as typed errors (in the ack, or as `protocol:error` for fire-and-forget events).
 * Call `detachViewers` when the connection drops and `close` when it is gone for good.
 */
export function serveAgentApi(
  channel: Channel,
  manager: SessionManager,
  log: Logger,
): { detachViewers(): void; close(): void } {
  // Viewer ids are scoped to this connection so two control planes cannot collide.
  const scope = `${channel.id ?? 'conn'}/`;
  const viewers = new Set<string>();
  const viewerKey = (viewerId: string) => scope + viewerId;
  const send = (event: string, payload: unknown) => {
    if (channel.connected !== false) channel.emit(event, payload);
  };

  const tunnels = new AgentTunnels(send, (sessionId, port) => manager.connectPort(sessionId, port), log);

  const handlers: Handlers = {
    'sandbox:create': (req) => manager.create(req),
    'sandbox:start': (req) => manager.start(req.sessionId),
    'sandbox:reset': (req) => manager.reset(req.sessionId),
    'sandbox:stop': (req) => manager.stop(req.sessionId),
    'sandbox:destroy': async (req) => {
      await manager.destroy(req.sessionId);
      return { sessionId: req.sessionId };
    },
    'sandbox:get': (req) => manager.get(req.sessionId),
    'sandbox:list': () => manager.list(),
    'agent:capacity': () => manager.capacity(),
    'sandbox:exec': (req) => manager.exec(req),
    'sandbox:writeFile': (req) => manager.writeFile(req),
    'sandbox:readFile': (req) => manager.readFile(req.sessionId, req.path, req.as),
    'sandbox:listDir': (req) => manager.listDir(req.sessionId, req.path),
    'sandbox:stat': (req) => manager.statPath(req.sessionId, req.path),
    'sandbox:removePath': (req) => manager.removePath(req.sessionId, req.path, req.recursive),
    'sandbox:renamePath': (req) => manager.renamePath(req.sessionId, req.from, req.to),
    'sandbox:makeDir': (req) => manager.makeDir(req.sessionId, req.path),
    'sandbox:watch': async (req) => {
      const key = viewerKey(req.viewerId);
      viewers.add(key);
      return manager.watch(req.sessionId, key, { dirs: req.dirs, files: req.files });
    },
    'sandbox:unwatch': (req) => {
      manager.unwatch(req.sessionId, viewerKey(req.viewerId));
      return req;
    },
    'preview:connect': (req) => tunnels.open(req),
    'preview:data': (req) => tunnels.data(req),
    'preview:ack': (req) => tunnels.ack(req),
    'preview:end': (req) => tunnels.end(req),
    'preview:close': (req) => tunnels.close(req),
    'term:open': (req) => manager.openTerminal(req.sessionId, { cols: req.cols, rows: req.rows }),
    'term:attach': (req) => {
      const key = viewerKey(req.viewerId);
      viewers.add(key);
      return manager.attach(req.sessionId, req.termId, key, req.mode, req.fromSeq, (seq, data) =>
        send('term:data', { sessionId: req.sessionId, termId: req.termId, viewerId: req.viewerId, seq, data }),
      );
    },
    'term:detach': (req) => {
      manager.detach(req.sessionId, req.termId, viewerKey(req.viewerId));
      return { sessionId: req.sessionId, termId: req.termId };
    },
    'term:close': (req) => {
      manager.closeTerminal(req.sessionId, req.termId);
      return req;
    },
    'term:input': (req) => manager.input(req.sessionId, req.termId, req.data),
    'term:resize': (req) => manager.resize(req.sessionId, req.termId, req.cols, req.rows),
    'term:ack': (req) => manager.ack(req.sessionId, req.termId, viewerKey(req.viewerId), req.seq),
  };

  for (const name of Object.keys(agentRequestSchemas) as AgentRequestName[]) {
    channel.on(name, (payload: unknown, ack: unknown) => {
      void handle(name, payload, typeof ack === 'function' ? (ack as (r: Result<unknown>) => void) : undefined);
    });
  }

  async function handle(name: AgentRequestName, payload: unknown, ack?: (r: Result<unknown>) => void) {
    const reply = (result: Result<unknown>) => {
      if (ack) ack(result);
      else if (!result.ok) channel.emit('protocol:error', { ...result.error, event: name });
    };
    if (!fireAndForget.has(name) && !ack) {
      reply({ ok: false, error: { code: 'bad_request', message: `${name} needs an acknowledgement callback` } });
      return;
    }
    const parsed = agentRequestSchemas[name].safeParse(payload);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      reply({ ok: false, error: { code: 'bad_request', message: `invalid ${name} message`, details } });
      return;
    }
    try {
      const handler = handlers[name] as (req: unknown) => unknown;
      const data = await handler(parsed.data);
      if (!fireAndForget.has(name)) reply(ok(data ?? null));
    } catch (err) {
      const error: ProtocolError = toProtocolError(err);
      if (error.code === 'internal') log.error({ err, event: name }, 'request failed');
      reply({ ok: false, error });
    }
  }

  const notifier: Notifier = {
    state: (event) => {
      if (event.state !== 'ready') tunnels.closeSession(event.sessionId);
      send('sandbox:state', event);
    },
    filesChanged: (event) => send('sandbox:filesChanged', event),
    ports: (event) => send('sandbox:ports', event),
    warning: (event) => send('sandbox:warning', event),
    termExit: (event) => send('term:exit', event),
    capacity: (capacity) => send('agent:capacity', capacity),
  };
  const unsubscribe = manager.subscribe(notifier);
  const detachViewers = () => {
    for (const key of viewers) manager.detachViewer(key);
    viewers.clear();
    tunnels.closeAll();
  };

  return {
    detachViewers,
    close: () => {
      unsubscribe();
      detachViewers();
    },
  };
}
