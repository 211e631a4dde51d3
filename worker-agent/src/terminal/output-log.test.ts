import { describe, expect, it } from 'vitest';
import { OutputLog } from './output-log';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('OutputLog', () => {
  it('returns exactly the bytes after a sequence number', () => {
    const log = new OutputLog(16);
    log.append(bytes('hello '));
    log.append(bytes('world'));
    expect(log.endSeq).toBe(11);
    const slice = log.read(6, 100);
    expect(slice).toMatchObject({ seq: 6, lost: 0 });
    expect(slice.data.toString()).toBe('world');
  });

  it('wraps around and reports what was overwritten', () => {
    const log = new OutputLog(8);
    log.append(bytes('abcdef'));
    log.append(bytes('ghijkl'));
    expect(log.startSeq).toBe(4);
    const slice = log.read(0, 100);
    expect(slice.seq).toBe(4);
    expect(slice.lost).toBe(4);
    expect(slice.data.toString()).toBe('efghijkl');
  });

  it('keeps only the tail of a chunk larger than the ring', () => {
    const log = new OutputLog(4);
    log.append(bytes('0123456789'));
    expect(log.endSeq).toBe(10);
    expect(log.read(0, 10).data.toString()).toBe('6789');
  });

  it('limits a read to maxBytes', () => {
    const log = new OutputLog(64);
    log.append(bytes('abcdefgh'));
    expect(log.read(2, 3).data.toString()).toBe('cde');
  });

  it('refuses a sequence number from the future', () => {
    const log = new OutputLog(8);
    log.append(bytes('ab'));
    expect(() => log.read(3, 1)).toThrow(/past the end/);
  });

  it('matches a reference copy across many random appends and reads', () => {
    const log = new OutputLog(1000);
    let all = Buffer.alloc(0);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const chunk = Buffer.alloc(rand(300), rand(256));
      log.append(chunk);
      all = Buffer.concat([all, chunk]);
      const from = Math.max(0, all.length - rand(1200));
      const slice = log.read(from, 5000);
      const expectedStart = Math.max(from, all.length - 1000);
      expect(slice.seq).toBe(expectedStart);
      expect(slice.data.equals(all.subarray(expectedStart))).toBe(true);
    }
  });
});
