import { z } from 'zod';

/**
 * Per-session quotas. One validated object drives every limit the agent applies
 * to a sandbox (codapi's idea: limits are data, not code).
 */
export const SandboxLimits = z
  .object({
    /** Memory of the whole sandbox (shell, inner daemon, inner containers, /tmp). */
    memoryMiB: z.number().int().min(128).max(262_144),
    cpus: z.number().min(0.05).max(256),
    /** Processes and threads of the whole sandbox. */
    pids: z.number().int().min(64).max(65_536),
    /** Size of the session's own ext4 disk: the learner's home and the inner images. */
    diskMiB: z.number().int().min(256).max(1_048_576),
    /** Size of the sandbox's /tmp (memory-backed, counts towards memoryMiB). */
    tmpMiB: z.number().int().min(1).max(65_536),
    /** The session ends this long after it started. */
    lifetimeSeconds: z.number().int().min(1).max(30 * 86_400),
    /** The session ends after this long without terminal input or a viewer attaching. */
    idleSeconds: z.number().int().min(1).max(30 * 86_400),
    /** A warning event is sent this long before a lifetime or idle end. */
    warnSecondsBefore: z.number().int().min(0).max(86_400),
    /** Open terminals per session. */
    maxTerminals: z.number().int().min(1).max(64),
  })
  .strict();
export type SandboxLimits = z.infer<typeof SandboxLimits>;

/** Overrides a request may carry; the agent caps them with its configured maximum. */
export const SandboxLimitsOverride = SandboxLimits.partial().strict();
export type SandboxLimitsOverride = z.infer<typeof SandboxLimitsOverride>;

export const ProfileName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a lower-case profile name');

/** A sandbox profile file (content/sandbox-profiles/NAME.json). */
export const SandboxProfile = z
  .object({
    name: ProfileName,
    description: z.object({ en: z.string().min(1), ko: z.string().min(1) }).strict(),
    limits: SandboxLimits,
  })
  .strict();
export type SandboxProfile = z.infer<typeof SandboxProfile>;

/** Applies overrides, then caps every value at the operator's maximum. */
export function resolveLimits(
  base: SandboxLimits,
  override: SandboxLimitsOverride | undefined,
  max: SandboxLimits,
): SandboxLimits {
  const merged = { ...base, ...override } as SandboxLimits;
  const capped = Object.fromEntries(
    (Object.keys(merged) as (keyof SandboxLimits)[]).map((k) => [k, Math.min(merged[k], max[k])]),
  );
  return SandboxLimits.parse(capped);
}
