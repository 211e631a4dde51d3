import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { PreviewProxy } from '../preview/proxy';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Requests for a preview host go to the preview proxy and nowhere else: not to Next.js,
 * not to the API, not to the gateway's socket.io (a learner's app may well serve
 * /socket.io itself). Installed after socket.io attached its own listeners, which it
 * keeps for every other host.
 */
export function routePreviewHosts(http: Server, proxy: PreviewProxy): void {
  const requestListeners = http.listeners('request') as RequestListener[];
  const upgradeListeners = http.listeners('upgrade') as UpgradeListener[];
  http.removeAllListeners('request');
  http.removeAllListeners('upgrade');
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (proxy.owns(req)) void proxy.handleRequest(req, res);
    else for (const listener of requestListeners) listener.call(http, req, res);
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (proxy.owns(req)) void proxy.handleUpgrade(req, socket, head);
    else for (const listener of upgradeListeners) listener.call(http, req, socket, head);
  });
}
