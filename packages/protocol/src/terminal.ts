import { z } from 'zod';
import { SessionId } from './sandbox';

export const TermId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
/** Who watches a terminal on one control connection (a browser tab, an instructor). */
export const ViewerId = z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/);

export const MAX_INPUT_CHARS = 65_536;
const Cols = z.number().int().min(2).max(1000);
const Rows = z.number().int().min(1).max(500);

export const TermRef = z.object({ sessionId: SessionId, termId: TermId }).strict();
export type TermRef = z.infer<typeof TermRef>;

export const TermOpenRequest = z.object({ sessionId: SessionId, cols: Cols, rows: Rows }).strict();
export type TermOpenRequest = z.infer<typeof TermOpenRequest>;

/**
 * Start (or resume) receiving a terminal's output from byte `fromSeq`.
 * `interactive` viewers gate the producer (flow control); observers never slow it
 * down and may lose bytes they fall too far behind on (reported as `lost`).
 */
export const TermAttachRequest = TermRef.extend({
  viewerId: ViewerId,
  fromSeq: z.number().int().nonnegative(),
  mode: z.enum(['interactive', 'observe']).default('interactive'),
}).strict();
export type TermAttachRequest = z.input<typeof TermAttachRequest>;

export const TermAttachResult = z
  .object({
    termId: TermId,
    /** The first byte that will be sent (>= fromSeq). */
    fromSeq: z.number().int().nonnegative(),
    /** Bytes between the requested and the first available byte (0 when nothing was lost). */
    lost: z.number().int().nonnegative(),
    endSeq: z.number().int().nonnegative(),
    exitCode: z.number().int().nullable(),
  })
  .strict();
export type TermAttachResult = z.infer<typeof TermAttachResult>;

export const TermDetachRequest = TermRef.extend({ viewerId: ViewerId }).strict();
export type TermDetachRequest = z.infer<typeof TermDetachRequest>;

export const TermInput = TermRef.extend({ data: z.string().min(1).max(MAX_INPUT_CHARS) }).strict();
export type TermInput = z.infer<typeof TermInput>;

export const TermResize = TermRef.extend({ cols: Cols, rows: Rows }).strict();
export type TermResize = z.infer<typeof TermResize>;

/** The viewer has processed every byte before `seq`. */
export const TermAck = TermRef.extend({ viewerId: ViewerId, seq: z.number().int().nonnegative() }).strict();
export type TermAck = z.infer<typeof TermAck>;

/** Output bytes [seq, seq + data.length) of a terminal, for one viewer. */
export const TermData = TermRef.extend({
  viewerId: ViewerId,
  seq: z.number().int().nonnegative(),
  data: z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]),
}).strict();
export type TermData = z.infer<typeof TermData>;

export const TermExit = TermRef.extend({ exitCode: z.number().int() }).strict();
export type TermExit = z.infer<typeof TermExit>;
