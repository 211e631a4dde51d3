/**
 * The stack the benchmark measures, started the way infra/start.sh starts it: the
 * web process (Next.js + gateway + embedded PostgreSQL) and an agent dialling in,
 * on ports, slots and a state directory of the benchmark's own. A second,
 * stand-alone agent makes the sandboxes the peers (wetty, plain docker exec) use:
 * the same image, flags and limits, on slots of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AgentClient } from '../../worker-agent/src/client/agent-client';

export const REPO = path.resolve(import.meta.dirname, '../..');

export interface BenchPorts {
  web: number;
  postgres: number;
  agent: number;
  peersAgent: number;
}

export interface StackOptions {
  dir: string;
  ports: BenchPorts;
  /** Slots of the agent behind the gateway, and of the peers' agent. */
  slots: { first: number; count: number };
  peerSlots: { first: number; count: number };
  /** Terminals a session may open (the concurrency test opens many). */
  maxTerminals: number;
  /** The sandbox image (both agents). */
  image: string;
  log: (line: string) => void;
}

interface Proc {
  child: ChildProcess;
  name: string;
}

export class BenchStack {
  readonly url: string;
  readonly agentToken = randomBytes(24).toString('hex');
  readonly peersToken = randomBytes(24).toString('hex');
  private web: Proc | null = null;
  private agent: Proc | null = null;
  private peers: Proc | null = null;
  private readonly profilesDir: string;

  constructor(readonly o: StackOptions) {
    this.url = `http://127.0.0.1:${o.ports.web}`;
    this.profilesDir = path.join(o.dir, 'profiles');
  }

  get agentId(): string {
    return 'speed-bench';
  }

  get peersAgentId(): string {
    return 'speed-peers';
  }

  get statesDir(): string {
    return path.join(this.o.dir, 'agents');
  }

  /** Pids of the processes whose memory the benchmark watches. */
  pids(): { web?: number; agent?: number } {
    return { web: this.web?.child.pid, agent: this.agent?.child.pid };
  }

  async start(poolSize: number): Promise<void> {
    // Ctrl-C or a kill stops what was started (the agents remove their sandboxes).
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        this.o.log(`${signal}: stopping the stack`);
        void this.stop().finally(() => process.exit(130));
      });
    }
    // A fresh database and logs; the agents sweep what a killed run left (same agent ids).
    for (const old of ['postgres', 'web.log', 'agent.log', 'peers-agent.log']) rmSync(path.join(this.o.dir, old), { recursive: true, force: true });
    mkdirSync(this.profilesDir, { recursive: true });
    // The course's default profile, with room for many terminals (the concurrency test).
    const profile = JSON.parse(readFileSync(path.join(REPO, 'content/sandbox-profiles/default.json'), 'utf8'));
    profile.limits.maxTerminals = this.o.maxTerminals;
    writeFileSync(path.join(this.profilesDir, 'default.json'), JSON.stringify(profile, null, 2));
    const webConfig = path.join(this.o.dir, 'web.json');
    writeFileSync(
      webConfig,
      JSON.stringify({
        host: '127.0.0.1',
        port: this.o.ports.web,
        secret: randomBytes(32).toString('hex'),
        agentToken: this.agentToken,
        database: { embedded: { dataDir: path.join(this.o.dir, 'postgres'), port: this.o.ports.postgres } },
        // The benchmark starts many sessions from one address.
        rateLimits: { sessionsPerVisitorPerHour: 10_000, sessionsPerAddressPerHour: 10_000 },
        logLevel: 'info',
      }),
    );
    this.web = this.spawn('web', path.join(REPO, 'apps/web'), ['server.ts'], { BERTH_WEB_CONFIG: webConfig });
    await this.startAgent(poolSize);
    await this.startPeers();
  }

  /** (Re)starts the gateway's agent with a warm pool of this size (its sandboxes are removed on stop). */
  async startAgent(poolSize: number): Promise<void> {
    await this.stopAgent();
    const config = path.join(this.o.dir, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        agentId: this.agentId,
        token: this.agentToken,
        control: { url: this.url },
        listen: { host: '127.0.0.1', port: this.o.ports.agent },
        profilesDir: this.profilesDir,
        stateDir: this.statesDir,
        sandbox: { image: this.o.image },
        slots: this.o.slots,
        maxLimits: {
          memoryMiB: 4096,
          cpus: 2,
          pids: 4096,
          diskMiB: 20_480,
          tmpMiB: 1024,
          lifetimeSeconds: 8 * 3600,
          idleSeconds: 3600,
          warnSecondsBefore: 300,
          maxTerminals: this.o.maxTerminals,
        },
        // Left out without a pool, so that the benchmark also runs against a checkout from before pools.
        ...(poolSize > 0 ? { pool: { sizes: { default: poolSize } } } : {}),
        logLevel: 'info',
        destroyOnShutdown: true,
        // Tuning experiments: BERTH_BENCH_AGENT_CONFIG='{"terminal": {...}}' is merged in.
        ...(process.env.BERTH_BENCH_AGENT_CONFIG ? JSON.parse(process.env.BERTH_BENCH_AGENT_CONFIG) : {}),
      }),
    );
    this.agent = this.spawn('agent', REPO, ['worker-agent/src/main.ts'], { BERTH_AGENT_CONFIG: config });
    await this.waitFor(async () => {
      const health = await this.health();
      return health.agents.some((a) => a.agentId === this.agentId);
    }, 'the web process and its agent');
  }

  private async startPeers(): Promise<void> {
    const config = path.join(this.o.dir, 'peers-agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        agentId: this.peersAgentId,
        token: this.peersToken,
        listen: { host: '127.0.0.1', port: this.o.ports.peersAgent },
        profilesDir: this.profilesDir,
        stateDir: this.statesDir,
        sandbox: { image: this.o.image },
        slots: this.o.peerSlots,
        maxLimits: { memoryMiB: 4096, cpus: 2, pids: 4096, diskMiB: 20_480, tmpMiB: 1024, lifetimeSeconds: 28_800, idleSeconds: 3600, warnSecondsBefore: 300, maxTerminals: this.o.maxTerminals },
        logLevel: 'warn',
        destroyOnShutdown: true,
      }),
    );
    this.peers = this.spawn('peers-agent', REPO, ['worker-agent/src/main.ts'], { BERTH_AGENT_CONFIG: config });
    await this.waitFor(async () => (await fetch(`http://127.0.0.1:${this.o.ports.peersAgent}/healthz`)).ok, 'the peers agent');
  }

  async health(): Promise<{ agents: { agentId: string; capacity: { pool?: { ready: number; target: number; starting: number }[] } }[] }> {
    const res = await fetch(`${this.url}/api/health`);
    return (await res.json()) as never;
  }

  /** The gateway agent's own API (stand-alone listener): destroy sessions, read capacity. */
  agentClient(): Promise<AgentClient> {
    return AgentClient.connect(`http://127.0.0.1:${this.o.ports.agent}`, this.agentToken);
  }

  peersClient(): Promise<AgentClient> {
    return AgentClient.connect(`http://127.0.0.1:${this.o.ports.peersAgent}`, this.peersToken);
  }

  /** Waits until the warm pool is full (or there is none). */
  async poolFull(timeoutMs = 120_000): Promise<void> {
    await this.waitFor(
      async () => {
        const agent = (await this.health()).agents.find((a) => a.agentId === this.agentId);
        const pool = agent?.capacity.pool?.[0];
        return !!agent && (!pool || (pool.ready >= pool.target && pool.starting === 0));
      },
      'the warm pool to fill',
      timeoutMs,
    );
  }

  async stopAgent(): Promise<void> {
    if (!this.agent) return;
    await this.kill(this.agent, 90_000);
    this.agent = null;
  }

  async stop(): Promise<void> {
    await this.stopAgent();
    if (this.peers) await this.kill(this.peers, 90_000);
    if (this.web) await this.kill(this.web, 30_000);
    this.peers = null;
    this.web = null;
    // The embedded PostgreSQL runs in a process group of its own: make sure it is gone too.
    const pidFile = path.join(this.o.dir, 'postgres/pgdata/postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGTERM');
          this.o.log(`stopped the benchmark's PostgreSQL (pid ${pid})`);
        } catch {
          // gone
        }
      }
    }
  }

  private spawn(name: string, cwd: string, args: string[], env: Record<string, string>): Proc {
    const log = openSync(path.join(this.o.dir, `${name}.log`), 'a');
    // BERTH_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to the measured processes.
    const extra = (process.env.BERTH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...extra, '--import', 'tsx', ...args], {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
      stdio: ['ignore', log, log],
      detached: true,
    });
    child.unref();
    this.o.log(`started ${name} (pid ${child.pid}, log ${path.join(this.o.dir, `${name}.log`)})`);
    return { child, name };
  }

  private async kill(proc: Proc, timeoutMs: number): Promise<void> {
    const pid = proc.child.pid;
    if (!pid) return;
    const exited = new Promise<void>((resolve) => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) resolve();
      else proc.child.once('exit', () => resolve());
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs));
    if ((await Promise.race([exited, timer])) === 'timeout') {
      this.o.log(`${proc.name} did not stop in time; killing it`);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  private async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (await check().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what} did not come up within ${timeoutMs / 1000} s (logs in ${this.o.dir})`);
  }
}
