// Dev aid: how fast headless Chromium takes binary WebSocket messages from Node with
// nothing else in the way (no xterm.js, no socket.io): the network's ceiling for bulk_page.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { launchBrowser } from '../page';
import { bulkFile } from '../measure';

const bulk = bulkFile(Number(process.env.MB ?? 40) * 1e6).expected;
const server = createServer((_, res) => res.end('<html><body>ws</body></html>'));
const deflate = process.env.DEFLATE === '1';
const wss = new WebSocketServer({ server, perMessageDeflate: deflate ? { threshold: 1024, zlibDeflateOptions: { level: 1 } } : false });
const chunk = Number(process.env.CHUNK ?? 196_608);
wss.on('connection', (ws) => {
  ws.on('message', () => {
    let i = 0;
    let outstanding = 0;
    const send = () => {
      while (i < bulk.length && outstanding < 4) {
        const part = bulk.subarray(i, i + chunk);
        i += part.length;
        outstanding++;
        ws.send(part, () => {
          outstanding--;
          send();
        });
      }
    };
    send();
  });
});
await new Promise<void>((r) => server.listen(3290, '127.0.0.1', r));
const browser = await launchBrowser();
const page = await browser.newPage();
await page.addInitScript({ content: 'var __name = (f) => f;' });
page.on('console', (m) => console.log('page:', m.text()));
page.on('pageerror', (e) => console.log('page error:', e.message));
await page.goto('http://127.0.0.1:3290/');
for (let round = 0; round < 3; round++) {
  const ms = await page.evaluate(
    (total) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket('ws://127.0.0.1:3290/');
        ws.binaryType = 'arraybuffer';
        let got = 0;
        let t0 = 0;
        ws.onopen = () => {
          t0 = performance.now();
          ws.send('go');
        };
        ws.onmessage = (e) => {
          got += (e.data as ArrayBuffer).byteLength;
          if (got >= total) {
            resolve(performance.now() - t0);
            ws.close();
          }
        };
      }),
    bulk.length,
  );
  console.log(`deflate ${deflate} chunk ${chunk}: ${(bulk.length / 1e6 / (ms / 1000)).toFixed(1)} MB/s`);
}
await browser.close();
server.close();
