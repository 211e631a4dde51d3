// Dev aid: where the time between the Start click and the prompt goes in the page.
import { withDevStack } from './dev-stack';
import { sleep } from '../measure';
import { openPage, berthStart } from '../page';

await withDevStack(Number(process.env.POOL ?? 2), async (stack, browser) => {
  const agent = await stack.agentClient();
  for (let i = 0; i < Number(process.env.RUNS ?? 5); i++) {
    await stack.poolFull();
    await sleep(1500);
    const p = await openPage(browser, 'berth');
    await p.context.addInitScript(() => {
      // tsx names the functions below with __name(...): the page needs one before they are made.
      (globalThis as unknown as { __name: unknown }).__name ??= (f: unknown) => f;
      const marks: [string, number][] = [];
      (globalThis as unknown as { __marks: typeof marks }).__marks = marks;
      const g = globalThis as unknown as { fetch: (...a: unknown[]) => Promise<unknown>; WebSocket: new (...a: unknown[]) => { addEventListener(t: string, l: () => void): void } };
      const f = g.fetch;
      g.fetch = async (...a: unknown[]) => { marks.push([`fetch ${String(a[0]).slice(0, 30)}`, performance.now()]); const r = await f(...a); marks.push(['fetch done', performance.now()]); return r; };
      const W = g.WebSocket;
      // Each frame's size and first bytes (socket.io packet type, then MessagePack: the event name shows in the text).
      const peek = (d: unknown) => {
        if (!(typeof d === 'string' || d instanceof ArrayBuffer || ArrayBuffer.isView(d))) return typeof d;
        const bytes = typeof d === 'string' ? new TextEncoder().encode(d) : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array((d as DataView).buffer, (d as DataView).byteOffset, (d as DataView).byteLength);
        return `${bytes.length} B ${new TextDecoder('latin1').decode(bytes.subarray(0, 40)).replace(/[^\x20-\x7e]/g, '.')}`;
      };
      const send = (W.prototype as unknown as { send(d: unknown): void }).send;
      (W.prototype as unknown as { send(d: unknown): void }).send = function (d: unknown) {
        marks.push([`ws out ${peek(d)}`, performance.now()]);
        send.call(this, d);
      };
      type Listening = { addEventListener(t: string, l: (e: { data: unknown }) => void): void };
      g.WebSocket = class extends W {
        constructor(...a: unknown[]) {
          super(...a);
          marks.push(['ws new', performance.now()]);
          const self = this as unknown as Listening;
          self.addEventListener('open', () => marks.push(['ws open', performance.now()]));
          self.addEventListener('message', (e) => marks.push([`ws in  ${peek(e.data)}`, performance.now()]));
        }
      } as never;
      // xterm's DOM renderer measures each new character's width (a forced layout each).
      const measures = { n: 0, ms: 0, first: 0, last: 0 };
      (globalThis as unknown as { __measures: typeof measures }).__measures = measures;
      type Element = { classList: { contains(c: string): boolean } };
      const elementProto = (globalThis as unknown as { HTMLElement: { prototype: object } }).HTMLElement.prototype;
      const width = Object.getOwnPropertyDescriptor(elementProto, 'offsetWidth')!;
      Object.defineProperty(elementProto, 'offsetWidth', {
        get(this: Element) {
          if (!this.classList.contains('xterm-char-measure-element')) return width.get!.call(this);
          const t0 = performance.now();
          const w = width.get!.call(this) as number;
          measures.n++;
          measures.ms += performance.now() - t0;
          measures.first ||= t0;
          measures.last = t0;
          return w;
        },
      });
      new PerformanceObserver((l) => { for (const e of l.getEntries()) marks.push([`res ${e.name.split('/').pop()?.slice(0, 40)} (${Math.round(e.duration)} ms)`, e.startTime]); }).observe({ type: 'resource', buffered: false });
    });
    p.page.on('pageerror', (e) => console.log('page error', e.message));
    const t = await berthStart(p, stack.url, 'first-steps');
    const b = await p.page.evaluate(() => ({ marks: (globalThis as unknown as { __marks: [string, number][] }).__marks, bench: (globalThis as unknown as { __bench: { clickAt: number; firstByteAt: number; promptByteAt: number } }).__bench }));
    const click = b.bench.clickAt;
    console.log(`run ${i}: prompt byte ${t.promptByteMs.toFixed(0)} ms, shown ${t.promptShownMs.toFixed(0)}`);
    const m = await p.page.evaluate(() => (globalThis as unknown as { __measures: { n: number; ms: number; first: number; last: number } }).__measures);
    console.log(`   character widths measured: ${m.n} in ${m.ms.toFixed(1)} ms, from +${(m.first - click).toFixed(0)} to +${(m.last - click).toFixed(0)}`);
    for (const [name, at] of b.marks) if (at >= click - 5) console.log(`   +${(at - click).toFixed(0).padStart(5)}  ${name}`);
    console.log(`   +${(b.bench.firstByteAt - click).toFixed(0).padStart(5)}  first byte written to xterm`);
    await p.close();
    for (const x of await agent.request('sandbox:list', {})) await agent.request('sandbox:destroy', { sessionId: x.sessionId });
  }
  agent.close();
});
