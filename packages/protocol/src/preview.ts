import { z } from 'zod';
import { SessionId } from './sandbox';

/**
 * Previews of ports the learner publishes in the sandbox (`docker run -p 8080:80 nginx`).
 * A browser asks the gateway on the preview's own origin (one per session and port);
 * the gateway opens a byte stream to the agent over the agent's socket (agents dial
 * out: no inbound port on worker hosts), and the agent connects it to the port on the
 * sandbox's address. HTTP and WebSocket both ride on such streams.
 *
 * Streams have credit-based flow control: a side sends at most PREVIEW_WINDOW bytes
 * the other side has not acknowledged (`preview:ack` counts bytes consumed).
 */
export const PREVIEW_WINDOW = 512 * 1024;
export const PREVIEW_CHUNK = 64 * 1024;

/** Chosen by the gateway: its own instance id, a dot, a counter. */
export const StreamId = z.string().regex(/^[A-Za-z0-9_-]{1,40}\.[0-9]{1,15}$/);
export const Port = z.number().int().min(1).max(65_535);

export const PreviewConnect = z.object({ sessionId: SessionId, port: Port, streamId: StreamId }).strict();
export type PreviewConnect = z.infer<typeof PreviewConnect>;
export const PreviewStreamRef = z.object({ streamId: StreamId }).strict();
export type PreviewStreamRef = z.infer<typeof PreviewStreamRef>;

export const PreviewData = z
  .object({ streamId: StreamId, data: z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]) })
  .strict();
export type PreviewData = z.infer<typeof PreviewData>;
/** Every byte before `bytes` (counted from the stream's start) was consumed. */
export const PreviewAck = z.object({ streamId: StreamId, bytes: z.number().int().nonnegative() }).strict();
export type PreviewAck = z.infer<typeof PreviewAck>;
/** No more data from this side (TCP half-close). */
export const PreviewEnd = PreviewStreamRef;
export type PreviewEnd = PreviewStreamRef;
/** The stream is gone (an error, or closed on both sides). */
export const PreviewClose = z.object({ streamId: StreamId, error: z.string().max(500).optional() }).strict();
export type PreviewClose = z.infer<typeof PreviewClose>;

/** Streams one session may have open at once (a page with many assets, sockets). */
export const MAX_PREVIEW_STREAMS_PER_SESSION = 64;

// ---------------------------------------------------------------- browser side

/** The page asks for a preview of a port: the answer is a URL on the preview's own origin. */
export const BrowserPreviewOpen = z
  .object({
    port: Port,
    /** Path (and query) to show, starting with '/'. */
    path: z
      .string()
      .max(2048)
      .regex(/^\/(?!\/)[^\s]*$/)
      .default('/'),
  })
  .strict();
export type BrowserPreviewOpen = z.input<typeof BrowserPreviewOpen>;

export const PreviewGrant = z
  .object({
    port: Port,
    /** The preview's origin (http://8080-<slug>.preview.localhost:3000). */
    origin: z.string(),
    /** Opens the preview at `path`: valid once, for a minute; sets the preview's cookie. */
    url: z.string(),
  })
  .strict();
export type PreviewGrant = z.infer<typeof PreviewGrant>;
