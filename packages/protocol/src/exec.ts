import { z } from 'zod';
import { Etag, FileBytes, FilePath, MAX_EDIT_BYTES } from './files';
import { SessionId } from './sandbox';

/** Scripts travel as one argv word: Linux caps one at 128 KiB. */
export const MAX_SCRIPT_BYTES = 96 * 1024;
/** Files written through the agent (lesson files; the editor saves through the same path). */
export const MAX_WRITE_BYTES = MAX_EDIT_BYTES;
/** Output kept from a script; the rest is cut and `truncated` set. */
export const MAX_EXEC_OUTPUT_BYTES = 64 * 1024;

/** A path under the learner's home: relative, no `..` segment, ordinary characters. */
export const HomePath = z
  .string()
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._\-/]{1,200}$/, 'a relative path under the home folder, without ".."');

const EnvName = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/);

/**
 * Runs a bash script in a ready sandbox as the learner (checks and setup scripts of
 * lessons). It is no more than the learner could type: same user, same limits.
 */
export const SandboxExecRequest = z
  .object({
    sessionId: SessionId,
    script: z.string().min(1).max(MAX_SCRIPT_BYTES),
    env: z.record(EnvName, z.string().max(4096)).default({}),
    timeoutMs: z.number().int().min(100).max(600_000),
  })
  .strict();
export type SandboxExecRequest = z.input<typeof SandboxExecRequest>;

export const SandboxExecResult = z
  .object({
    exitCode: z.number().int(),
    /** stdout then stderr, cut at MAX_EXEC_OUTPUT_BYTES. */
    output: z.string(),
    truncated: z.boolean(),
    timedOut: z.boolean(),
    durationMs: z.number().nonnegative(),
  })
  .strict();
export type SandboxExecResult = z.infer<typeof SandboxExecResult>;

/**
 * Writes a file under /home/learner as the learner (parent folders made as needed),
 * in place (a bind mount of the file keeps seeing it). The path is resolved inside
 * the sandbox: a symbolic link that leads out of the home folder is refused.
 * `ifMatch`: the version (etag) the edit started from; the write is refused with
 * `conflict` (details: the current FileStat, or null when it is gone) when the file
 * is another version now. null: the file must not exist yet. Absent: overwrite.
 */
export const SandboxWriteFileRequest = z
  .object({
    sessionId: SessionId,
    path: FilePath.refine((p) => p !== '', 'a file name'),
    /** UTF-8 text, or raw bytes (the editor's saves and uploads). */
    content: z.union([z.string(), FileBytes]),
    executable: z.boolean().optional(),
    ifMatch: Etag.nullable().optional(),
  })
  .strict()
  .refine((r) => byteLength(r.content) <= MAX_WRITE_BYTES, { message: `at most ${MAX_WRITE_BYTES} bytes`, path: ['content'] });
export type SandboxWriteFileRequest = z.input<typeof SandboxWriteFileRequest>;

export const SandboxWriteFileResult = z
  .object({
    path: z.string(),
    bytes: z.number().int().nonnegative(),
    /** The new version and modification time of the file. */
    etag: Etag.optional(),
    mtimeMs: z.number().optional(),
  })
  .strict();
export type SandboxWriteFileResult = z.infer<typeof SandboxWriteFileResult>;

export function byteLength(content: string | Uint8Array | ArrayBuffer): number {
  return typeof content === 'string' ? new TextEncoder().encode(content).length : content.byteLength;
}
