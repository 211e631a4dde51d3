import { z } from 'zod';
import { ProfileName, SandboxLimits, SandboxLimitsOverride } from './limits';

/** Session ids are chosen by the control plane: long, random, URL-safe. */
export const SessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a session id of 8-64 URL-safe characters');
export type SessionId = z.infer<typeof SessionId>;

export const AgentId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'an agent id of lower-case letters, digits and dashes');
export type AgentId = z.infer<typeof AgentId>;

/** The lifecycle every screen shows (coder's idea: one explicit enum). */
export const SandboxState = z.enum(['creating', 'ready', 'stopping', 'stopped', 'failed']);
export type SandboxState = z.infer<typeof SandboxState>;

/** Why a sandbox stopped or failed. */
export const EndReasonCode = z.enum([
  'requested', // stop or destroy was asked for
  'lifetime', // the session's lifetime ran out
  'idle', // nobody typed or watched for too long
  'start-failed', // the sandbox or its inner daemon did not come up
  'exited', // the sandbox's main process ended (crash, OOM of the daemon...)
  'engine-restart', // the host Docker engine restarted under it
  'agent-restart', // the agent restarted and could not adopt it
]);
export type EndReasonCode = z.infer<typeof EndReasonCode>;

export const EndReason = z.object({ code: EndReasonCode, message: z.string() }).strict();
export type EndReason = z.infer<typeof EndReason>;

export const TerminalInfo = z
  .object({
    termId: z.string(),
    cols: z.number().int(),
    rows: z.number().int(),
    /** Sequence number (byte offset) just past the newest output byte. */
    endSeq: z.number().int().nonnegative(),
    exitCode: z.number().int().nullable(),
  })
  .strict();
export type TerminalInfo = z.infer<typeof TerminalInfo>;

export const SandboxInfo = z
  .object({
    sessionId: SessionId,
    agentId: AgentId,
    profile: ProfileName,
    state: SandboxState,
    reason: EndReason.optional(),
    limits: SandboxLimits,
    createdAt: z.string(),
    /** When the lifetime ends (ISO time). */
    expiresAt: z.string(),
    /** When the idle timeout ends if nothing happens (ISO time). */
    idleExpiresAt: z.string(),
    /** The learner's host uid; distinct for every live session on one host. */
    hostUid: z.number().int().optional(),
    /** The agent's name for the sandbox behind the session (container berth-AGENT-SANDBOX); changes on reset. */
    sandboxId: z.string().optional(),
    terminals: z.array(TerminalInfo),
  })
  .strict();
export type SandboxInfo = z.infer<typeof SandboxInfo>;

export const SessionRef = z.object({ sessionId: SessionId }).strict();
export type SessionRef = z.infer<typeof SessionRef>;

export const CreateSandboxRequest = z
  .object({
    sessionId: SessionId,
    profile: ProfileName.default('default'),
    limits: SandboxLimitsOverride.optional(),
  })
  .strict();
export type CreateSandboxRequest = z.input<typeof CreateSandboxRequest>;

export const SandboxStateEvent = z
  .object({ sessionId: SessionId, state: SandboxState, reason: EndReason.optional(), info: SandboxInfo.optional() })
  .strict();
export type SandboxStateEvent = z.infer<typeof SandboxStateEvent>;

export const SandboxWarning = z
  .object({
    sessionId: SessionId,
    kind: z.enum(['lifetime', 'idle']),
    endsAt: z.string(),
    secondsLeft: z.number().int().nonnegative(),
  })
  .strict();
export type SandboxWarning = z.infer<typeof SandboxWarning>;

/** Why a warm pool is not refilling right now (null: it is full or filling). */
export const PoolPause = z.enum(['slots', 'memory', 'draining', 'backoff']);
export type PoolPause = z.infer<typeof PoolPause>;

/** One profile's warm pool on an agent: ready sandboxes that no learner has used yet. */
export const PoolStatus = z
  .object({
    profile: ProfileName,
    /** How many the operator wants kept ready. */
    target: z.number().int().nonnegative(),
    ready: z.number().int().nonnegative(),
    /** Being made now (at most one at a time per agent). */
    starting: z.number().int().nonnegative(),
    paused: PoolPause.nullable(),
    /** Sessions served from this pool, and sessions that had to wait for a cold start, since the agent started. */
    hits: z.number().int().nonnegative(),
    misses: z.number().int().nonnegative(),
  })
  .strict();
export type PoolStatus = z.infer<typeof PoolStatus>;

export const Capacity = z
  .object({
    agentId: AgentId,
    /** Sessions this agent can hold (its slots); pooled sandboxes give their slot up to a session that needs one. */
    maxSessions: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    freeMemoryBytes: z.number().nonnegative(),
    accepting: z.boolean(),
    /** Warm pools, one per profile the operator configured. */
    pool: z.array(PoolStatus).default([]),
  })
  .strict();
export type Capacity = z.infer<typeof Capacity>;

export const AgentHello = z
  .object({
    protocolVersion: z.number().int(),
    agentId: AgentId,
    agentVersion: z.string(),
    capacity: Capacity,
    sandboxes: z.array(SandboxInfo),
    /** Warnings an operator must see (e.g. user-namespace remapping is off). */
    warnings: z.array(z.string()),
  })
  .strict();
export type AgentHello = z.infer<typeof AgentHello>;
