import { describe, expect, it } from 'vitest';
import { FakePty } from './fake-pty';
import { ReadAheadBudget } from './interrupt-read-ahead';
import { Terminal, type FlowOptions } from './terminal';

const flow: FlowOptions = { replayBytes: 64 * 1024, highWater: 1000, lowWater: 100, maxChunk: 400 };

function collect() {
  const chunks: { seq: number; data: Buffer }[] = [];
  const sink = (seq: number, data: Buffer) => chunks.push({ seq, data });
  const text = () => Buffer.concat(chunks.map((c) => c.data)).toString();
  return { chunks, sink, text };
}

describe('Terminal', () => {
  it('echoes input to an attached viewer with contiguous sequence numbers', () => {
    const pty = new FakePty();
    const term = new Terminal('t1', pty, flow, { cols: 80, rows: 24 });
    const v = collect();
    term.attach('a', 'interactive', 0, v.sink);
    term.input('ls\r');
    term.input('pwd\r');
    expect(v.text()).toBe('ls\rpwd\r');
    expect(v.chunks.map((c) => c.seq)).toEqual([0, 3]);
    expect(pty.written).toEqual(['ls\r', 'pwd\r']);
  });

  it('replays exactly the missed bytes to a viewer that comes back', () => {
    const pty = new FakePty();
    const term = new Terminal('t1', pty, flow, { cols: 80, rows: 24 });
    const first = collect();
    term.attach('a', 'interactive', 0, first.sink);
    pty.print('before drop|');
    term.ack('a', 12);
    term.detach('a');
    pty.print('while away|');
    pty.print('still away|');
    const again = collect();
    const result = term.attach('a', 'interactive', 12, again.sink);
    pty.print('live');
    expect(result).toMatchObject({ fromSeq: 12, lost: 0 });
    expect(first.text() + again.text()).toBe('before drop|while away|still away|live');
  });

  it('pauses the process at the high watermark and resumes under the low one', () => {
    const pty = new FakePty();
    const term = new Terminal('t1', pty, flow, { cols: 80, rows: 24 });
    const v = collect();
    term.attach('a', 'interactive', 0, v.sink);
    for (let i = 0; i < 30; i++) pty.print(Buffer.alloc(100, 65));
    expect(pty.paused).toBe(true);
    // The viewer never holds more than the window, and the agent no more than the window plus a chunk.
    const sent = v.chunks.reduce((n, c) => n + c.data.length, 0);
    expect(sent).toBeLessThanOrEqual(flow.highWater);
    expect(term.unacknowledged()).toBeLessThanOrEqual(flow.highWater + 100);
    term.ack('a', 500);
    expect(pty.paused).toBe(true);
    expect(pty.resumes).toBe(0);
    term.ack('a', sent);
    // Resumed: the held output flowed until the window filled again.
    expect(pty.resumes).toBe(1);
    expect(pty.pauses).toBe(2);
    // Everything produced arrives, once, in order.
    let acked = sent;
    for (let guard = 0; guard < 100 && acked < 3000; guard++) {
      acked = v.chunks.reduce((n, c) => n + c.data.length, 0);
      term.ack('a', acked);
    }
    expect(Buffer.concat(v.chunks.map((c) => c.data)).equals(Buffer.alloc(3000, 65))).toBe(true);
  });

  it('sends output after a quiet moment at once, and output that follows it in one message a moment later', async () => {
    const pty = new FakePty();
    const term = new Terminal('t1', pty, { ...flow, coalesceMs: 20 }, { cols: 80, rows: 24 });
    const v = collect();
    term.attach('a', 'interactive', 0, v.sink);
    pty.print('a');
    expect(v.chunks.map((c) => c.data.toString())).toEqual(['a']);
    pty.print('b');
    pty.print('c');
    expect(v.chunks).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(v.chunks.map((c) => [c.seq, c.data.toString()])).toEqual([
      [0, 'a'],
      [1, 'bc'],
    ]);
    // Quiet again: the next echo is immediate.
    await new Promise((r) => setTimeout(r, 25));
    pty.print('d');
    expect(v.text()).toBe('abcd');
    term.close();
  });

  it('paces a flood while another terminal is typed into, and runs free again afterwards', async () => {
    const pty = new FakePty(false);
    let typedElsewhere = true;
    const term = new Terminal('t1', pty, { ...flow, highWater: 100_000, lowWater: 1000, maxChunk: 50_000, sharedChunk: 300, sharedMs: 20 }, { cols: 80, rows: 24 }, () => typedElsewhere);
    const v = collect();
    term.attach('a', 'interactive', 0, v.sink);
    pty.print(Buffer.alloc(2000, 65));
    // 300 bytes now, then 300 per 20 ms.
    expect(v.chunks.map((c) => c.data.length)).toEqual([300]);
    await new Promise((r) => setTimeout(r, 70));
    const paced = v.chunks.reduce((n, c) => n + c.data.length, 0);
    expect(paced).toBeGreaterThanOrEqual(600);
    expect(paced).toBeLessThanOrEqual(1500);
    expect(v.chunks.every((c) => c.data.length <= 300)).toBe(true);
    // Nobody else types any more: the rest goes out in one message.
    typedElsewhere = false;
    await new Promise((r) => setTimeout(r, 30));
    expect(v.text()).toBe('A'.repeat(2000));
    term.close();
  });

  it('lets the process run free when only observers watch, and tells a late observer what it lost', () => {
    const pty = new FakePty(false);
    const small = { ...flow, replayBytes: 70_000 };
    const term = new Terminal('t1', pty, small, { cols: 80, rows: 24 });
    const obs = collect();
    term.attach('o', 'observe', 0, obs.sink);
    for (let i = 0; i < 100; i++) pty.print(Buffer.alloc(1000, 66));
    expect(pty.paused).toBe(false);
    const late = term.attach('late', 'observe', 0, () => {});
    expect(late.lost).toBe(100_000 - 70_000);
  });

  it('refuses an ack past what was sent and a sequence from the future', () => {
    const pty = new FakePty();
    const term = new Terminal('t1', pty, flow, { cols: 80, rows: 24 });
    term.attach('a', 'interactive', 0, () => {});
    pty.print('abc');
    expect(() => term.ack('a', 10)).toThrow(/past what was sent/);
    expect(() => term.attach('b', 'interactive', 99, () => {})).toThrow(/past the end/);
  });

  it('reports the exit code and refuses input afterwards', () => {
    const pty = new FakePty();
    const term = new Terminal('t1', pty, flow, { cols: 80, rows: 24 });
    let code: number | null = null;
    term.onExit((c) => (code = c));
    pty.exit(3);
    expect(code).toBe(3);
    expect(term.info().exitCode).toBe(3);
    expect(() => term.input('x')).toThrow(/exited/);
  });

  it('passes resizes to the process', async () => {
    const pty = new FakePty();
    const term = new Terminal('t1', pty, flow, { cols: 80, rows: 24 });
    await term.resize(120, 40);
    expect(pty.resizes).toEqual([{ cols: 120, rows: 40 }]);
    expect(term.info()).toMatchObject({ cols: 120, rows: 40 });
  });

  describe('Ctrl-C during a flood', () => {
    const interrupting: FlowOptions = { ...flow, interruptReadAhead: 64 * 1024, interruptWaitMs: 30 };
    /** Numbered lines, so that order and loss show. */
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `y${from + i}\n`).join('');

    /** A terminal whose viewer holds a full window, with more output backed up behind it (in the "engine"). */
    function flooded(options: FlowOptions = interrupting, budget?: ReadAheadBudget) {
      const pty = new FakePty(false);
      const term = new Terminal('t1', pty, options, { cols: 80, rows: 24 }, undefined, budget);
      const v = collect();
      term.attach('a', 'interactive', 0, v.sink);
      for (let i = 0; i < 300; i += 10) pty.print(lines(i, i + 10));
      expect(pty.paused).toBe(true);
      const readAll = () => {
        for (let guard = 0; guard < 1000; guard++) {
          const got = v.chunks.reduce((n, c) => n + c.data.length, 0);
          if (got === term.info().endSeq && !pty.paused) return;
          term.ack('a', got);
        }
      };
      return { pty, term, v, readAll };
    }

    it('drops the old output up to the TTY\'s "^C" echo, as the TTY drops its own', () => {
      const { pty, term, v, readAll } = flooded();
      const sentBefore = v.text();
      term.input('\x03');
      expect(pty.written).toEqual(['\x03']);
      expect(pty.paused).toBe(false); // reading ahead
      pty.print(lines(300, 600)); // was waiting in the engine's buffers
      pty.print('y600\n^C\r\n$ ');
      readAll();
      const text = v.text();
      expect(text.endsWith('^C\r\n$ ')).toBe(true);
      // What was already on its way arrives whole; the old output behind it is gone.
      const shown = text.slice(0, -'^C\r\n$ '.length);
      expect(lines(0, 300).startsWith(shown)).toBe(true);
      expect(shown.startsWith(sentBefore)).toBe(true);
      expect(term.interruptDropped).toBe(lines(0, 601).length - shown.length);
      expect(pty.paused).toBe(false);
    });

    it('finds an echo split between two reads', () => {
      const { pty, term, v, readAll } = flooded();
      term.input('\x03');
      pty.print(lines(300, 400) + '^');
      pty.print('C\r\n$ ');
      readAll();
      const text = v.text();
      expect(text.endsWith('^C\r\n$ ')).toBe(true);
      const shown = text.slice(0, -'^C\r\n$ '.length);
      expect(lines(0, 300).startsWith(shown)).toBe(true);
      expect(term.interruptDropped).toBe(lines(0, 400).length - shown.length);
    });

    it('drops nothing when no echo comes (raw mode): after the wait every byte arrives, in order', async () => {
      const { pty, term, v, readAll } = flooded();
      term.input('\x03');
      pty.print(lines(300, 600));
      await new Promise((r) => setTimeout(r, 60));
      expect(pty.paused).toBe(true); // gave up: the held output waits for the window
      // Everything produced and not in the log yet is held, until the viewer makes room.
      expect(term.interruptHeldBytes).toBeGreaterThan(lines(300, 600).length);
      expect(term.interruptHeldBytes).toBe(lines(0, 600).length - term.info().endSeq);
      pty.print(lines(600, 700)); // the process goes on (it took ^C as a key)
      readAll();
      expect(v.text()).toBe(lines(0, 700));
      expect(term.interruptHeldBytes).toBe(0);
      expect(term.interruptDropped).toBe(0);
    });

    it('does not keep output read ahead waiting for a viewer that left', async () => {
      const { pty, term } = flooded();
      term.input('\x03');
      pty.print(lines(300, 600));
      await new Promise((r) => setTimeout(r, 60));
      expect(term.interruptHeldBytes).toBeGreaterThan(0);
      term.detach('a');
      expect(term.interruptHeldBytes).toBe(0);
      expect(term.info().endSeq).toBe(lines(0, 600).length);
      expect(pty.paused).toBe(false);
    });

    it('gives up at the read-ahead bound without losing a byte', () => {
      const { pty, term, v, readAll } = flooded({ ...interrupting, interruptReadAhead: 1000 });
      term.input('\x03');
      pty.print(lines(300, 400));
      pty.print(lines(400, 600));
      expect(pty.paused).toBe(true);
      pty.print('^C');
      readAll();
      expect(v.text()).toBe(lines(0, 600) + '^C');
      expect(term.interruptDropped).toBe(0);
    });

    it("shares the agent's read-ahead budget: a ^C that finds it spent reads nothing ahead", () => {
      const budget = new ReadAheadBudget(interrupting.interruptReadAhead! + 65_536);
      const a = flooded(interrupting, budget);
      const b = flooded(interrupting, budget);
      a.term.input('\x03');
      b.term.input('\x03');
      expect(a.pty.paused).toBe(false); // reading ahead
      expect(b.pty.paused).toBe(true); // budget spent: held as before
      expect(budget.inUse).toBe(budget.total);
      a.pty.print('^C\r\n$ ');
      a.readAll();
      expect(budget.inUse).toBe(0);
      b.readAll();
      expect(b.term.interruptDropped).toBe(0);
      expect(b.v.text()).toBe(lines(0, 300));
    });

    it('reads nothing ahead for a ^C with no output backed up', () => {
      const pty = new FakePty(false);
      const term = new Terminal('t1', pty, interrupting, { cols: 80, rows: 24 });
      const v = collect();
      term.attach('a', 'interactive', 0, v.sink);
      pty.print('y1\ny2\n');
      term.input('\x03');
      pty.print('y3\n^C\r\n$ ');
      expect(v.text()).toBe('y1\ny2\ny3\n^C\r\n$ ');
      expect(term.interruptDropped).toBe(0);
    });

    it('tells of an exit only after the output read ahead is in the log', () => {
      const { pty, term, v, readAll } = flooded();
      let exitedAt: number | null = null;
      term.onExit(() => (exitedAt = term.info().endSeq));
      term.input('\x03');
      pty.print(lines(300, 400));
      pty.exit(130);
      expect(exitedAt).toBeNull();
      readAll();
      expect(v.text()).toBe(lines(0, 400));
      expect(exitedAt).toBe(lines(0, 400).length);
      expect(term.exitCode).toBe(130);
    });
  });
});
