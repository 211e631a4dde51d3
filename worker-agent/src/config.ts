import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { AgentId, ProfileName, SandboxLimits } from '@berth/protocol';

const HostPort = z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65_535) }).strict();

/** Everything the agent can be told, read once at start-up and passed down. */
export const AgentConfig = z
  .object({
    agentId: AgentId,
    /** Credential: clients of the stand-alone server present it; the dial-out link sends it. */
    token: z.string().min(16, 'the agent token must have at least 16 characters'),
    /** Stand-alone mode: a socket.io server for a control plane or berthctl (loopback by default). */
    listen: HostPort.optional(),
    /** Dial-out mode: the control plane's gateway to connect to. */
    control: z.object({ url: z.string().url() }).strict().optional(),
    dockerSocket: z.string().default('/var/run/docker.sock'),
    sandbox: z
      .object({
        image: z.string().default('berth/session:latest'),
        seccompProfile: z.string().default('/var/lib/berth/seccomp-sandbox.json'),
        /** The read-only registry mirror as sandboxes reach it; host "auto" = the docker0 gateway. */
        mirror: HostPort.default({ host: 'auto', port: 5000 }),
        readyTimeoutSeconds: z.number().int().min(5).max(600).default(60),
        /**
         * The host engine runs with --userns-remap (nothing of a session is host root).
         * Turning it off is possible for engines an operator does not control; the agent warns.
         */
        usernsRemap: z.boolean().default(true),
      })
      .strict()
      .default({
        image: 'berth/session:latest',
        seccompProfile: '/var/lib/berth/seccomp-sandbox.json',
        mirror: { host: 'auto', port: 5000 },
        readyTimeoutSeconds: 60,
        usernsRemap: true,
      }),
    /**
     * The host-wide resources this agent may hand out: slot N gives learner uid 100000+N,
     * subordinate uids from 1048576+N*65536, a subnet and a bridge. Agents sharing a host
     * must get ranges that do not overlap.
     */
    slots: z
      .object({ first: z.number().int().min(0).max(4095), count: z.number().int().min(1).max(1024) })
      .strict()
      .default({ first: 1, count: 16 }),
    network: z
      .object({
        /** Bridge interface names are PREFIX-SLOT; infra's firewall matches PREFIX-+ (brs-+). */
        bridgePrefix: z.string().regex(/^[a-z]{2,6}$/).default('brs'),
        /** Sessions' subnets are cut from this pool, one per slot. */
        pool: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/).default('10.213.0.0/16'),
        prefixLength: z.number().int().min(16).max(29).default(28),
      })
      .strict()
      .default({ bridgePrefix: 'brs', pool: '10.213.0.0/16', prefixLength: 28 }),
    /** Where per-session disks live (PATH/AGENT_ID/sessions/SESSION_ID). */
    stateDir: z.string().default('/var/lib/berth/agent'),
    profilesDir: z.string(),
    /** Operator's ceiling for any session's limits. */
    maxLimits: SandboxLimits.default({
      memoryMiB: 4096,
      cpus: 2,
      pids: 4096,
      diskMiB: 20_480,
      tmpMiB: 1024,
      lifetimeSeconds: 8 * 3600,
      idleSeconds: 3600,
      warnSecondsBefore: 300,
      maxTerminals: 8,
    }),
    /** Memory kept free for the host; a session is refused when less would remain. */
    reserveMemoryMiB: z.number().int().min(0).default(512),
    /**
     * Warm pool: sandboxes made ahead of time, handed to the next session that asks for
     * their profile (with the profile's own limits), so a learner's Start does not wait
     * for a sandbox to boot. Refilled in the background, one sandbox at a time.
     */
    pool: z
      .object({
        /** Ready sandboxes to keep per profile, e.g. {"default": 2}. Profiles must exist. */
        sizes: z.record(ProfileName, z.number().int().min(0).max(64)).default({}),
        /** Refill only while more than this many slots stay free for sessions. */
        reserveSlots: z.number().int().min(0).default(0),
        /** After a failed refill, wait this long (doubling, up to 10x) before the next try. */
        retrySeconds: z.number().min(0.1).max(600).default(5),
        /** CPU weight (cgroup cpu.shares) of a pooled sandbox until a session claims it (then 1024). */
        cpuShares: z.number().int().min(2).max(1024).default(256),
        /** After a session took a pooled sandbox, wait this long before booting the next (its shell starts first). */
        refillDelaySeconds: z.number().min(0).max(60).default(1),
      })
      .strict()
      .default({ sizes: {}, reserveSlots: 0, retrySeconds: 5, cpuShares: 256, refillDelaySeconds: 1 }),
    /**
     * Terminal output: the replay log, the flow-control window (the agent stops reading
     * a shell's output while a viewer has highWater bytes unacknowledged, and reads on
     * once that is down to lowWater: half the window keeps the pipe full), the largest
     * message, how long output that follows other output waits to be sent with it, and
     * the pace of a flood while someone else types (see terminal/terminal.ts).
     */
    terminal: z
      .object({
        replayBytes: z.number().int().min(65_536).default(262_144),
        highWater: z.number().int().min(1024).default(393_216),
        lowWater: z.number().int().min(0).default(196_608),
        maxChunk: z.number().int().min(1024).max(524_288).default(196_608),
        coalesceMs: z.number().min(0).max(50).default(4),
        /** While another terminal is typed into, a flood goes out at most sharedChunk bytes per sharedMs. */
        sharedChunk: z.number().int().min(1024).default(32_768),
        sharedMs: z.number().min(1).max(100).default(8),
        /**
         * After a ^C typed while output is backed up, read this far ahead (for at most
         * interruptWaitMs) for the TTY's "^C" echo and drop the old output before it, as
         * the TTY drops its own. 0: never.
         */
        interruptReadAhead: z.number().int().min(0).max(8_388_608).default(2_097_152),
        interruptWaitMs: z.number().int().min(10).max(2000).default(200),
        /** What all of the agent's terminals may hold in such read-aheads at once. */
        interruptReadAheadTotal: z.number().int().min(0).default(67_108_864),
      })
      .strict()
      .default({
        replayBytes: 262_144,
        highWater: 393_216,
        lowWater: 196_608,
        maxChunk: 196_608,
        coalesceMs: 4,
        sharedChunk: 32_768,
        sharedMs: 8,
        interruptReadAhead: 2_097_152,
        interruptWaitMs: 200,
        interruptReadAheadTotal: 67_108_864,
      }),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    /** On SIGTERM, remove every sandbox (draining a host, test stacks) instead of keeping them for the next agent. */
    destroyOnShutdown: z.boolean().default(false),
  })
  .strict();
export type AgentConfig = z.infer<typeof AgentConfig>;

/**
 * Reads the config file named by BERTH_AGENT_CONFIG (if any), then the BERTH_AGENT_*
 * variables on top, and validates the result. Throws with every problem listed.
 */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const file = env.BERTH_AGENT_CONFIG;
  const fromFile: Record<string, unknown> = file ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const fromEnv: Record<string, unknown> = {};
  if (env.BERTH_AGENT_ID) fromEnv.agentId = env.BERTH_AGENT_ID;
  if (env.BERTH_AGENT_TOKEN) fromEnv.token = env.BERTH_AGENT_TOKEN;
  if (env.BERTH_AGENT_LISTEN) {
    const [host, port] = env.BERTH_AGENT_LISTEN.split(/:(?=\d+$)/);
    fromEnv.listen = { host, port: Number(port) };
  }
  if (env.BERTH_CONTROL_URL) fromEnv.control = { url: env.BERTH_CONTROL_URL };
  if (env.BERTH_PROFILES_DIR) fromEnv.profilesDir = env.BERTH_PROFILES_DIR;
  if (env.BERTH_AGENT_STATE_DIR) fromEnv.stateDir = env.BERTH_AGENT_STATE_DIR;
  const merged = {
    agentId: hostname().toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 32) || 'agent',
    ...fromFile,
    ...fromEnv,
  };
  const parsed = AgentConfig.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid agent config${file ? ` (${file})` : ''}:\n${lines.join('\n')}`);
  }
  if (!parsed.data.listen && !parsed.data.control) {
    throw new Error('invalid agent config: set listen (stand-alone) or control (dial-out), or both');
  }
  return parsed.data;
}
