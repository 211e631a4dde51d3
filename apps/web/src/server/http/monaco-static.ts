import { createReadStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * The Monaco editor, served by the site itself from the installed `monaco-editor`
 * package (its AMD build, min/vs): no CDN, nothing fetched from elsewhere. The version
 * is in the path, so files are cached for good.
 */
const require = createRequire(import.meta.url);
const VS_DIR = path.dirname(require.resolve('monaco-editor'));
export const MONACO_VERSION: string = JSON.parse(readFileSync(path.join(VS_DIR, '../../package.json'), 'utf8')).version;
export const MONACO_PREFIX = `/_berth/monaco/${MONACO_VERSION}/vs/`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Answers GET/HEAD under MONACO_PREFIX; returns false for everything else. */
export async function serveMonaco(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const pathname = (req.url ?? '/').split('?')[0]!;
  if (!pathname.startsWith('/_berth/monaco/')) return false;
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !pathname.startsWith(MONACO_PREFIX)) {
    res.writeHead(404).end();
    return true;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(MONACO_PREFIX.length));
  } catch {
    res.writeHead(400).end();
    return true;
  }
  const file = path.resolve(VS_DIR, relative);
  const type = TYPES[path.extname(file)];
  if (!file.startsWith(`${VS_DIR}${path.sep}`) || !type) {
    res.writeHead(404).end();
    return true;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    res.writeHead(404).end();
    return true;
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': info.size,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}
