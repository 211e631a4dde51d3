/**
 * How socket.io packets travel on the wire, for every socket in Berth (browser <->
 * gateway <-> agent). MessagePack (socket.io's own msgpack parser) sends a packet
 * that carries bytes, such as terminal output, as ONE WebSocket frame; the default
 * parser sends a text frame plus one binary frame per attachment, which doubled the
 * writes (system calls) per terminal message in the gateway and the agent.
 * Both ends of a socket must use the same parser.
 */
import * as msgpackParser from 'socket.io-msgpack-parser';

/** Payloads are [event, {field: bytes}] or an ack's [{...}]: bytes sit at most this deep. */
const MAX_DEPTH = 4;
/** Sockets are made in pages and in Node processes (agent, gateway, tests). */
const IN_BROWSER = typeof (globalThis as { document?: unknown }).document !== 'undefined';

type Bytes = ArrayBuffer | ArrayBufferView;

/**
 * Bytes in the one form MessagePack's encoder writes as `bin` where it runs: in Node a
 * Buffer (its Node encoder writes an ArrayBuffer or a Uint8Array as an extension type
 * that its browser decoder hands back as [0, bytes]); in a browser an ArrayBuffer (its
 * browser encoder knows no views: a Uint8Array would become a map of numbers).
 */
function wireBytes(value: Bytes, inBrowser: boolean): Bytes {
  if (inBrowser) {
    if (value instanceof ArrayBuffer) return value;
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  }
  if (Buffer.isBuffer(value)) return value;
  return value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * The payload with its bytes as wireBytes makes them. Returns the value itself when
 * nothing needed a change (the usual case in Node: terminal output is already a Buffer).
 */
export function normalizeBytes(value: unknown, inBrowser = IN_BROWSER, depth = MAX_DEPTH): unknown {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return wireBytes(value, inBrowser);
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  const isArray = Array.isArray(value);
  if (!isArray && Object.getPrototypeOf(value) !== Object.prototype) return value;
  // Arrays and plain objects alike; copied only once something in them changes.
  const items = value as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(items)) {
    const converted = normalizeBytes(items[key], inBrowser, depth - 1);
    if (converted === items[key]) continue;
    out ??= (isArray ? [...(value as unknown[])] : { ...items }) as Record<string, unknown>;
    out[key] = converted;
  }
  return out ?? value;
}

class Encoder extends msgpackParser.Encoder {
  override encode(packet: { data?: unknown }): ArrayBuffer {
    const data = normalizeBytes(packet.data);
    return super.encode(data === packet.data ? packet : { ...packet, data });
  }
}

export const wireParser = { ...msgpackParser, Encoder };
