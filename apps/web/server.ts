/**
 * The web process: Next.js pages, the live HTTP API and the socket.io gateway on
 * one port. Run after `next build`:  node --import tsx server.ts  (from apps/web).
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';
import pino from 'pino';
import { allowedOrigins, loadWebConfig, previewBaseUrl, type WebConfig } from './src/server/config';
import { createGateway } from './src/server/gateway';
import { routePreviewHosts } from './src/server/http/host-routing';
import { serveMonaco } from './src/server/http/monaco-static';
import { openStore } from './src/server/sessions/open-store';
import { courseSource } from './src/content/lessons';
import { WEB_VERSION } from './src/lib/version';

export async function startWeb(config: WebConfig) {
  const log = pino({ level: config.logLevel, base: { service: 'web' } });
  const store = await openStore(config, log);
  const app = next({ dev: config.dev, dir: fileURLToPath(new URL('.', import.meta.url)), hostname: config.host, port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  let api: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<boolean>) | null = null;
  const http = createServer((req, res) => {
    void (async () => {
      if (await serveMonaco(req, res)) return;
      if (api && (await api(req, res))) return;
      await handle(req, res);
    })().catch((err) => {
      log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as { port: number }).port;
  const origins = allowedOrigins(config, port);
  const gateway = await createGateway({
    config,
    http,
    origins,
    store,
    course: courseSource,
    version: WEB_VERSION,
    log,
    previewBaseUrl: previewBaseUrl(config, port),
  });
  api = gateway.api;
  routePreviewHosts(http, gateway.preview);
  log.info(
    { url: `http://${config.host}:${port}`, origins: [...origins], previews: gateway.previewAuth.origin('SESSION', 8080).replace(/\/\/8080-[a-z2-7]+/, '//PORT-SESSION') },
    'web and gateway listening',
  );

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    log.info('shutting down: pages and agents will reconnect to the next process');
    await gateway.close();
    await new Promise((resolve) => http.close(resolve));
    await store.close();
    await app.close?.();
  };
  return { port, close, gateway, log };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let config: WebConfig;
  try {
    config = loadWebConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  startWeb(config).then(
    (web) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void web.close().then(() => process.exit(0)));
    },
    (err: Error) => {
      console.error(`berth web: ${err.message}`);
      process.exit(1);
    },
  );
}
