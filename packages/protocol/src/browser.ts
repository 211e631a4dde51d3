import { z } from 'zod';
import type { Ack, ProtocolError } from './errors';
import { EndReason, SandboxState, type SandboxInfo, type TerminalInfo } from './sandbox';
import { MAX_INPUT_CHARS, TermId, type TermAttachResult } from './terminal';
import { HomePath, type SandboxWriteFileResult } from './exec';
import {
  BrowserWriteFile,
  Etag,
  FilePath,
  ReadAs,
  WatchSet,
  type DirListing,
  type FileContent,
  type FilesChanged,
  type FileStat,
  type PortsChanged,
  type WatchResult,
} from './files';
import { BrowserPreviewOpen, type PreviewGrant } from './preview';

/**
 * The browser <-> gateway protocol. A page opens ONE socket.io connection to the
 * namespace below, bound to one learner session by a short-lived token; every
 * message names a terminal of that session only.
 */
export const BROWSER_NAMESPACE = '/learner';

const Cols = z.number().int().min(2).max(1000);
const Rows = z.number().int().min(1).max(500);

/** What the page sends in socket.io's `auth` when it connects. */
export const BrowserHandshake = z
  .object({ token: z.string().min(10).max(2048), protocolVersion: z.number().int() })
  .strict();
export type BrowserHandshake = z.infer<typeof BrowserHandshake>;

export const BrowserTermOpen = z.object({ cols: Cols, rows: Rows }).strict();
export const BrowserTermRef = z.object({ termId: TermId }).strict();
export const BrowserTermAttach = z.object({ termId: TermId, fromSeq: z.number().int().nonnegative() }).strict();
export const BrowserTermInput = z.object({ termId: TermId, data: z.string().min(1).max(MAX_INPUT_CHARS) }).strict();
export const BrowserTermResize = z.object({ termId: TermId, cols: Cols, rows: Rows }).strict();
export const BrowserTermAck = z.object({ termId: TermId, seq: z.number().int().nonnegative() }).strict();
const Empty = z.object({}).strict();
const NotHome = FilePath.refine((p) => p !== '', 'not the home folder itself');
export const BrowserPathRef = z.object({ path: FilePath }).strict();
export const BrowserReadFile = z.object({ path: FilePath, as: ReadAs }).strict();
export const BrowserRemovePath = z.object({ path: NotHome, recursive: z.boolean().default(false) }).strict();
export const BrowserRenamePath = z.object({ from: NotHome, to: NotHome }).strict();
export const BrowserMakeDir = z.object({ path: NotHome }).strict();

/** A step of the session's lesson, in the language the page shows. */
const StepId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(60);
const LessonLang = z.enum(['en', 'ko']);
export const BrowserLessonStep = z.object({ stepId: StepId, lang: LessonLang }).strict();
export const BrowserLessonFile = z.object({ stepId: StepId, lang: LessonLang, path: HomePath }).strict();

/** What a step's check said: done or not, and (when not) what is still missing. */
export const LessonCheckResult = z.object({ passed: z.boolean(), message: z.string(), durationMs: z.number() }).strict();
export type LessonCheckResult = z.infer<typeof LessonCheckResult>;
export const LessonSetupResult = z.object({ ok: z.literal(true), message: z.string() }).strict();
export type LessonSetupResult = z.infer<typeof LessonSetupResult>;
/** The file written (and its new version, which the editor opens it at). */
export const LessonFileResult = z
  .object({ path: z.string(), bytes: z.number().int().nonnegative(), etag: Etag.optional(), mtimeMs: z.number().optional() })
  .strict();
export type LessonFileResult = z.infer<typeof LessonFileResult>;

/** The schema of every message a browser may send, by event name. */
export const browserRequestSchemas = {
  'session:info': Empty,
  'session:reset': Empty,
  'term:open': BrowserTermOpen,
  'term:attach': BrowserTermAttach,
  'term:close': BrowserTermRef,
  'term:input': BrowserTermInput,
  'term:resize': BrowserTermResize,
  'term:ack': BrowserTermAck,
  'lesson:check': BrowserLessonStep,
  'lesson:setup': BrowserLessonStep,
  'lesson:createFile': BrowserLessonFile,
  'fs:list': BrowserPathRef,
  'fs:read': BrowserReadFile,
  'fs:stat': BrowserPathRef,
  'fs:write': BrowserWriteFile,
  'fs:remove': BrowserRemovePath,
  'fs:rename': BrowserRenamePath,
  'fs:mkdir': BrowserMakeDir,
  'fs:watch': WatchSet,
  'preview:open': BrowserPreviewOpen,
} as const;
export type BrowserRequestName = keyof typeof browserRequestSchemas;
export const browserFireAndForget: ReadonlySet<BrowserRequestName> = new Set(['term:input', 'term:resize', 'term:ack']);

/** The public view of a session that a page shows. */
export const LearnerSessionView = z
  .object({
    sessionId: z.string(),
    lessonId: z.string(),
    state: SandboxState.or(z.literal('interrupted')),
    reason: EndReason.optional(),
    expiresAt: z.string(),
    idleExpiresAt: z.string().optional(),
    terminals: z.array(z.object({ termId: TermId, cols: z.number(), rows: z.number(), endSeq: z.number(), exitCode: z.number().nullable() })),
  })
  .strict();
export type LearnerSessionView = z.infer<typeof LearnerSessionView>;

export interface BrowserRequestEvents {
  'session:info': (req: Record<string, never>, ack: Ack<LearnerSessionView>) => void;
  'session:reset': (req: Record<string, never>, ack: Ack<LearnerSessionView>) => void;
  'term:open': (req: z.infer<typeof BrowserTermOpen>, ack: Ack<TerminalInfo>) => void;
  'term:attach': (req: z.infer<typeof BrowserTermAttach>, ack: Ack<TermAttachResult>) => void;
  'term:close': (req: z.infer<typeof BrowserTermRef>, ack: Ack<z.infer<typeof BrowserTermRef>>) => void;
  'term:input': (msg: z.infer<typeof BrowserTermInput>) => void;
  'term:resize': (msg: z.infer<typeof BrowserTermResize>) => void;
  'term:ack': (msg: z.infer<typeof BrowserTermAck>) => void;
  /** Runs the step's check in the sandbox (files and commands come from the lesson, never from the page). */
  'lesson:check': (req: z.infer<typeof BrowserLessonStep>, ack: Ack<LessonCheckResult>) => void;
  'lesson:setup': (req: z.infer<typeof BrowserLessonStep>, ack: Ack<LessonSetupResult>) => void;
  /** Writes one of the step's file blocks (named by its path) into the learner's home. */
  'lesson:createFile': (req: z.infer<typeof BrowserLessonFile>, ack: Ack<LessonFileResult>) => void;
  'fs:list': (req: z.infer<typeof BrowserPathRef>, ack: Ack<DirListing>) => void;
  'fs:read': (req: z.input<typeof BrowserReadFile>, ack: Ack<FileContent>) => void;
  'fs:stat': (req: z.infer<typeof BrowserPathRef>, ack: Ack<FileStat>) => void;
  'fs:write': (req: z.input<typeof BrowserWriteFile>, ack: Ack<SandboxWriteFileResult>) => void;
  'fs:remove': (req: z.input<typeof BrowserRemovePath>, ack: Ack<{ path: string }>) => void;
  'fs:rename': (req: z.infer<typeof BrowserRenamePath>, ack: Ack<FileStat>) => void;
  'fs:mkdir': (req: z.infer<typeof BrowserMakeDir>, ack: Ack<FileStat>) => void;
  /** Replaces what this page watches (open folders, open files); answers the listening ports. */
  'fs:watch': (req: WatchSet, ack: Ack<WatchResult>) => void;
  'preview:open': (req: BrowserPreviewOpen, ack: Ack<PreviewGrant>) => void;
}

export interface BrowserNotifyEvents {
  'session:state': (view: LearnerSessionView) => void;
  'session:warning': (w: { kind: 'lifetime' | 'idle'; endsAt: string; secondsLeft: number }) => void;
  'term:data': (d: { termId: string; seq: number; data: ArrayBuffer | Uint8Array }) => void;
  'term:exit': (e: { termId: string; exitCode: number }) => void;
  'fs:changed': (ev: Omit<FilesChanged, 'sessionId'>) => void;
  'preview:ports': (ev: Omit<PortsChanged, 'sessionId'>) => void;
  'protocol:error': (err: ProtocolError & { event: string }) => void;
}

/** Keeps the SandboxInfo -> view mapping in one place (the gateway uses it). */
export function toLearnerView(info: SandboxInfo, lessonId: string): LearnerSessionView {
  const view: LearnerSessionView = {
    sessionId: info.sessionId,
    lessonId,
    state: info.state,
    expiresAt: info.expiresAt,
    idleExpiresAt: info.idleExpiresAt,
    terminals: info.terminals,
  };
  if (info.reason) view.reason = info.reason;
  return view;
}

/** POST /api/sessions: start (or find) the visitor's session for a lesson. */
export const StartSessionRequest = z.object({ lessonId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/) }).strict();
export type StartSessionRequest = z.infer<typeof StartSessionRequest>;

/**
 * The answer to POST /api/sessions and POST /api/sessions/:id/token: the session
 * and a token (valid a few minutes) for the socket's handshake.
 */
export const SessionGrant = z
  .object({ session: LearnerSessionView, token: z.string(), tokenExpiresAt: z.string() })
  .strict();
export type SessionGrant = z.infer<typeof SessionGrant>;

/** Every error answer of the HTTP API has this shape (status 4xx/5xx). */
export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }).strict() }).strict();
export type ApiError = z.infer<typeof ApiError>;
