import { describe, expect, it } from 'vitest';
import { normalizeBytes, wireParser } from './wire';
// The encoder and decoder a browser bundle gets (package.json "browser" field).
// @ts-expect-error: plain JavaScript without types
import browserDecode from '../../../node_modules/socket.io-msgpack-parser/node_modules/notepack.io/browser/decode.js';

const encode = (packet: object) => new wireParser.Encoder().encode(packet) as unknown as Buffer[];

function nodeDecode(frames: unknown[]): { data: unknown[] } {
  const decoder = new wireParser.Decoder();
  let decoded: unknown;
  decoder.on('decoded', (p: unknown) => (decoded = p));
  for (const frame of frames) decoder.add(frame);
  return decoded as { data: unknown[] };
}

const asArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);

describe('the wire format', () => {
  it('sends a packet carrying bytes as one frame, and gets the same bytes back', () => {
    const data = Buffer.from([0, 1, 2, 0xff, 0x1b, 0x5b]);
    const frames = encode({ type: 2, nsp: '/learner', data: ['term:data', { termId: 't1', seq: 7, data }] });
    expect(frames).toHaveLength(1);
    const [name, payload] = nodeDecode(frames).data as [string, { seq: number; data: Buffer }];
    expect(name).toBe('term:data');
    expect(payload.seq).toBe(7);
    expect(Buffer.from(payload.data).equals(data)).toBe(true);
  });

  it('gives a browser bytes as bytes, whatever form Node had them in (Buffer, Uint8Array, ArrayBuffer)', () => {
    const whole = new Uint8Array([9, 8, 7, 6, 5]);
    for (const data of [Buffer.from([8, 7, 6]), whole.subarray(1, 4), new Uint8Array([8, 7, 6]).buffer]) {
      const [frame] = encode({ type: 3, nsp: '/learner', id: 1, data: [{ ok: true, data: { kind: 'bytes', data } }] });
      const decoded = browserDecode(asArrayBuffer(frame!)) as { data: [{ data: { data: unknown } }] };
      const got = decoded.data[0].data.data;
      expect(got).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(got as ArrayBuffer)]).toEqual([8, 7, 6]);
    }
  });

  it('refuses a frame that is not MessagePack', () => {
    const decoder = new wireParser.Decoder();
    expect(() => decoder.add(Buffer.from([0xc1]))).toThrow();
  });

  it('hands a browser encoder exactly the bytes of a view, as an ArrayBuffer', () => {
    const whole = new Uint8Array([9, 8, 7, 6, 5]);
    const out = normalizeBytes(['fs:write', { path: 'a', data: whole.subarray(1, 4) }], true) as [string, { data: ArrayBuffer }];
    expect(out[1].data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(out[1].data)]).toEqual([8, 7, 6]);
    expect(out[1]).toMatchObject({ path: 'a' });
  });

  it('leaves a payload of Node Buffers as it is (no copy)', () => {
    const payload = ['term:data', { termId: 't', seq: 0, data: Buffer.from('abc') }];
    expect(normalizeBytes(payload, false)).toBe(payload);
  });
});
