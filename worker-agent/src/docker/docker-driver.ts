import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import net from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import Docker from 'dockerode';
import { BerthError, LEARNER_HOME, SandboxLimits } from '@berth/protocol';
import type { Logger } from 'pino';
import type {
  DiscoveredSandbox,
  DriverEvent,
  RawRunResult,
  RunOptions,
  RunResult,
  SandboxDriver,
  SandboxFilesEnv,
  SandboxProcess,
  SandboxSpec,
  SessionClaim,
} from '../sandbox/driver';
import type { SlotIdentity } from '../sandbox/slots';
import { execExitCode, ExecPty, signalExec } from './exec-pty';
import { host } from './host-exec';
import { SessionDisks } from './session-disk';

export const READY_LINE = 'berth-sandbox: ready';
export const FAILED_PREFIX = 'berth-sandbox: failed:';

export interface DockerDriverOptions {
  agentId: string;
  docker: Docker;
  image: string;
  /** Seccomp profile JSON (the file's content). */
  seccompProfile: string;
  /** host:port of the read-only registry mirror as sandboxes reach it. */
  mirror: string;
  /** Host uid of uid 0 in containers (remap base) or 0. */
  hostUidBase: number;
  disksDir: string;
  readyTimeoutMs: number;
  log: Logger;
}

/**
 * The sandbox's capabilities (its remapped root's, during the entrypoint; the learner
 * has none): CHOWN, DAC_OVERRIDE, FOWNER for the entrypoint and setuid newuidmap,
 * SETUID/SETGID to drop to the learner and map the subordinate ids, SYS_CHROOT so that
 * Docker's seccomp profile lets inner containers chroot, SYS_ADMIN for RootlessKit.
 */
export const SANDBOX_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID', 'SYS_CHROOT', 'SYS_ADMIN'] as const;

const label = {
  agent: 'berth.agent',
  /** Names the sandbox's resources (older sandboxes have only berth.session: the same value). */
  sandbox: 'berth.sandbox',
  /** Set on sandboxes made for a session; a pooled sandbox's session is in its claim file. */
  session: 'berth.session',
  /** The profile whose warm pool made it. */
  pool: 'berth.pool',
  slot: 'berth.slot',
  profile: 'berth.profile',
  limits: 'berth.limits',
  created: 'berth.created',
  expires: 'berth.expires',
} as const;

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;
const isRemovalInProgress = (err: unknown) =>
  (err as { statusCode?: number }).statusCode === 409 && /already in progress/.test(String((err as Error).message));
/** For removals: gone already, or going, is what we wanted. */
const ignoreNotFound = (err: unknown) => {
  if (!isNotFound(err) && !isRemovalInProgress(err)) throw err;
};

/** Sandboxes as containers on the host engine: the only code that talks to Docker. */
export class DockerDriver implements SandboxDriver {
  private readonly disks: SessionDisks;
  private readonly listeners: ((event: DriverEvent) => void)[] = [];
  private events: NodeJS.ReadableStream | null = null;
  private closed = false;

  constructor(private readonly o: DockerDriverOptions) {
    this.disks = new SessionDisks(o.disksDir);
  }

  containerName(sandboxId: string): string {
    return `berth-${this.o.agentId}-${sandboxId}`;
  }

  networkName(sandboxId: string): string {
    return `berth-${this.o.agentId}-${sandboxId}`;
  }

  async create(spec: SandboxSpec): Promise<void> {
    const id = spec.identity;
    const labels = this.labels(spec);
    const t0 = Date.now();
    // The disk (mkfs, mount) and the network (a bridge, firewall rules) do not depend on each other.
    // Both settle before a failure is reported, so the clean-up that follows finds everything made.
    const [disk, network] = await Promise.allSettled([
      this.disks.create(spec.sandboxId, spec.limits.diskMiB, this.o.hostUidBase + id.learnerUid, labels),
      this.o.docker.createNetwork({
        Name: this.networkName(spec.sandboxId),
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: labels,
        Options: {
          'com.docker.network.bridge.name': id.bridgeName,
          'com.docker.network.bridge.enable_icc': 'false',
        },
        IPAM: { Driver: 'default', Config: [{ Subnet: id.subnet, Gateway: id.gateway }] },
      }),
    ]);
    if (disk.status === 'rejected') throw disk.reason;
    if (network.status === 'rejected') throw network.reason;
    const home = disk.value;
    const tNetwork = Date.now();
    const container = await this.o.docker.createContainer({
      name: this.containerName(spec.sandboxId),
      Image: this.o.image,
      Hostname: 'sandbox',
      Labels: labels,
      Env: [
        `BERTH_UID=${id.learnerUid}`,
        `BERTH_SUBUID_START=${id.subuidStart}`,
        `BERTH_SUBUID_COUNT=${id.subuidCount}`,
        `BERTH_MIRROR=${this.o.mirror}`,
        'DOCKERD_ROOTLESS_ROOTLESSKIT_SLIRP4NETNS_SANDBOX=false',
      ],
      HostConfig: {
        // Only what the entrypoint, newuidmap and a rootless Docker daemon inside need; each
        // one's reason, and what dropping it breaks (measured), in ARCHITECTURE.md.
        CapDrop: ['ALL'],
        CapAdd: [...SANDBOX_CAPABILITIES],
        // The sandbox's own network namespace: the learner may publish port 80 and ping
        // without any capability (rootless Docker binds published ports as the learner).
        // (ping_group_range must name gids mapped in the sandbox's user namespace: the learner's.)
        Sysctls: {
          'net.ipv4.ip_unprivileged_port_start': '0',
          'net.ipv4.ping_group_range': `${id.learnerUid} ${id.learnerUid}`,
        },
        Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
        SecurityOpt: [`seccomp=${this.o.seccompProfile}`],
        // = --security-opt systempaths=unconfined: inner containers must mount their own /proc.
        MaskedPaths: [],
        ReadonlyPaths: [],
        Memory: spec.limits.memoryMiB * 1024 * 1024,
        MemorySwap: spec.limits.memoryMiB * 1024 * 1024,
        NanoCpus: Math.round(spec.limits.cpus * 1e9),
        // A pooled sandbox boots with a low weight: running sessions come first. Claiming restores it.
        ...(spec.cpuShares ? { CpuShares: spec.cpuShares } : {}),
        PidsLimit: spec.limits.pids,
        OomScoreAdj: 500,
        Tmpfs: {
          '/tmp': `rw,nosuid,nodev,size=${spec.limits.tmpMiB}m,mode=1777`,
          '/run': 'rw,nosuid,nodev,size=64m,mode=755',
        },
        ShmSize: 64 * 1024 * 1024,
        Binds: [`${home}:${LEARNER_HOME}`],
        NetworkMode: this.networkName(spec.sandboxId),
        RestartPolicy: { Name: 'no' },
        // The inner daemon logs to stdout: keep what the host stores small.
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      },
    });
    const tContainer = Date.now();
    await this.startAndWait(container);
    const ms = { diskAndNetwork: tNetwork - t0, container: tContainer - tNetwork, boot: Date.now() - tContainer };
    this.o.log.info({ sandboxId: spec.sandboxId, ms }, 'sandbox created');
  }

  async start(spec: SandboxSpec): Promise<void> {
    await this.startAndWait(this.o.docker.getContainer(this.containerName(spec.sandboxId)));
  }

  async stop(sandboxId: string): Promise<void> {
    await this.o.docker
      .getContainer(this.containerName(sandboxId))
      .stop({ t: 5 })
      .catch((err: { statusCode?: number }) => {
        if (err.statusCode !== 304) ignoreNotFound(err);
      });
  }

  async destroy(sandboxId: string): Promise<void> {
    await this.o.docker.getContainer(this.containerName(sandboxId)).remove({ force: true, v: true }).catch(ignoreNotFound);
    await this.o.docker.getNetwork(this.networkName(sandboxId)).remove().catch(ignoreNotFound);
    await this.disks.remove(sandboxId);
  }

  /**
   * Running (not paused, not restarting) and its inner Docker answers /_ping. The
   * daemon's socket is reached from the host through the sandbox's root
   * (/proc/PID/root): about a millisecond, where an exec would take tens. Only used on
   * pooled sandboxes, which no learner has touched.
   */
  async check(sandboxId: string): Promise<string | null> {
    const info = await this.o.docker
      .getContainer(this.containerName(sandboxId))
      .inspect()
      .catch(() => null);
    if (!info) return 'the container is gone';
    const state = info.State;
    if (!state.Running || state.Paused || state.Restarting) return `the container is ${state.Status}`;
    const uid = /^BERTH_UID=(\d+)$/m.exec((info.Config.Env ?? []).join('\n'))?.[1];
    if (!uid) return 'the container has no learner uid';
    const socket = `/proc/${state.Pid}/root/run/user/${uid}/docker.sock`;
    const answer = await pingDocker(socket, 1000).catch((err: Error) => err.message);
    return answer === 'OK' ? null : `the inner Docker does not answer: ${answer}`;
  }

  async claim(sandboxId: string, claim: SessionClaim): Promise<void> {
    await this.disks.writeClaim(sandboxId, {
      sessionId: claim.sessionId,
      createdAt: claim.createdAt.toISOString(),
      expiresAt: claim.expiresAt.toISOString(),
    });
    // The session's CPU weight (it booted with a pool's low one), without making the learner wait for it.
    void this.o.docker
      .getContainer(this.containerName(sandboxId))
      .update({ CpuShares: 1024 })
      .catch((err: Error) => this.o.log.warn({ err: err.message, sandboxId }, 'raising a claimed sandbox CPU weight failed'));
  }

  async discover(): Promise<DiscoveredSandbox[]> {
    const containers = await this.o.docker.listContainers({ all: true, filters: { label: [`${label.agent}=${this.o.agentId}`] } });
    const found: DiscoveredSandbox[] = [];
    for (const c of containers) {
      const l = c.Labels;
      const limits = SandboxLimits.safeParse(JSON.parse(l[label.limits] ?? 'null'));
      const sandboxId = l[label.sandbox] ?? l[label.session];
      if (!sandboxId || !limits.success) continue;
      let session: SessionClaim | null = null;
      const labelled = l[label.session];
      if (labelled) {
        session = { sessionId: labelled, createdAt: new Date(l[label.created] ?? 0), expiresAt: new Date(l[label.expires] ?? 0) };
      } else {
        const claim = await this.disks.readClaim(sandboxId);
        if (claim) session = { sessionId: claim.sessionId, createdAt: new Date(claim.createdAt), expiresAt: new Date(claim.expiresAt) };
      }
      const running = c.State === 'running' && (await this.hasReported(c.Id, READY_LINE));
      found.push({ sandboxId, session, slot: Number(l[label.slot]), profile: l[label.profile] ?? 'default', limits: limits.data, running });
    }
    return found;
  }

  async sweep(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    const mine = { label: [`${label.agent}=${this.o.agentId}`] };
    for (const c of await this.o.docker.listContainers({ all: true, filters: mine })) {
      const sandboxId = c.Labels[label.sandbox] ?? c.Labels[label.session];
      if (sandboxId && keep.has(sandboxId)) continue;
      await this.o.docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreNotFound);
      removed.push(`container ${c.Names[0] ?? c.Id}`);
    }
    for (const n of await this.o.docker.listNetworks({ filters: mine })) {
      const sandboxId = n.Labels?.[label.sandbox] ?? n.Labels?.[label.session];
      if (sandboxId && keep.has(sandboxId)) continue;
      await this.o.docker.getNetwork(n.Id).remove().catch(ignoreNotFound);
      removed.push(`network ${n.Name}`);
    }
    for (const sandboxId of await this.disks.list()) {
      if (keep.has(sandboxId)) continue;
      await this.disks.remove(sandboxId);
      removed.push(`disk ${sandboxId}`);
    }
    return removed;
  }

  async openShell(sandboxId: string, identity: SlotIdentity, size: { cols: number; rows: number }): Promise<ExecPty> {
    const exec = await this.o.docker.getContainer(this.containerName(sandboxId)).exec({
      Cmd: ['bash', '-l'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      User: `${identity.learnerUid}:${identity.learnerUid}`,
      WorkingDir: LEARNER_HOME,
      Env: this.learnerEnv(identity),
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    const pty = new ExecPty(exec, stream);
    await pty.resize(size.cols, size.rows).catch(() => undefined);
    return pty;
  }

  async run(sandboxId: string, identity: SlotIdentity, argv: string[], timeoutMs: number, opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.runRaw(sandboxId, identity, argv, timeoutMs, opts);
    return {
      exitCode: r.exitCode,
      stdout: r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8') + (r.timedOut ? `\n(timed out after ${timeoutMs} ms)` : ''),
      truncated: r.truncated,
      timedOut: r.timedOut,
    };
  }

  async runRaw(sandboxId: string, identity: SlotIdentity, argv: string[], timeoutMs: number, opts: RunOptions = {}): Promise<RawRunResult> {
    const exec = await this.learnerExec(sandboxId, identity, argv, opts.stdin !== undefined, opts.env);
    const stream = (await exec.start({ hijack: true, stdin: opts.stdin !== undefined })) as Duplex;
    const out = new PassThrough();
    const err = new PassThrough();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let room = opts.maxOutputBytes ?? 1024 * 1024;
    let truncated = false;
    const keep = (into: Buffer[]) => (c: Buffer) => {
      if (c.length > room) truncated = true;
      if (room > 0) into.push(c.subarray(0, room));
      room = Math.max(0, room - c.length);
    };
    out.on('data', keep(stdout));
    err.on('data', keep(stderr));
    this.o.docker.modem.demuxStream(stream, out, err);
    if (opts.stdin !== undefined) stream.end(opts.stdin);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void signalExec(exec, 'SIGKILL');
      stream.destroy();
    }, timeoutMs);
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    clearTimeout(timer);
    const exitCode = await execExitCode(exec);
    return { exitCode: timedOut ? 124 : exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), truncated, timedOut };
  }

  async spawn(sandboxId: string, identity: SlotIdentity, argv: string[]): Promise<SandboxProcess> {
    const exec = await this.learnerExec(sandboxId, identity, argv, true);
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    const out = new PassThrough();
    this.o.docker.modem.demuxStream(stream, out, new PassThrough().resume());
    const exitListeners: ((code: number) => void)[] = [];
    let exited = false;
    const finish = () => {
      if (exited) return;
      exited = true;
      void execExitCode(exec).then((code) => exitListeners.forEach((l) => l(code)));
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.on('error', finish);
    return {
      write: (data) => {
        if (!exited) stream.write(data);
      },
      onStdout: (listener) => out.on('data', listener),
      onExit: (listener) => exitListeners.push(listener),
      stop: () => {
        if (exited) return;
        stream.end();
        setTimeout(() => {
          if (!exited) void signalExec(exec, 'SIGKILL').finally(() => stream.destroy());
        }, 2000).unref();
      },
    };
  }

  async connect(sandboxId: string, port: number): Promise<Duplex> {
    const address = await this.sandboxAddress(sandboxId);
    return new Promise((resolve, reject) => {
      // allowHalfOpen: a client that is done sending may still be read from (HTTP, WebSocket).
      const socket = net.connect({ host: address, port, allowHalfOpen: true });
      const timer = setTimeout(() => socket.destroy(new Error(`port ${port} did not answer in time`)), 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          err.code === 'ECONNREFUSED'
            ? new BerthError('not_found', `nothing is listening on port ${port} in the sandbox`)
            : new BerthError('failed', `cannot reach port ${port} in the sandbox: ${err.message}`),
        );
      });
    });
  }

  filesEnv(): SandboxFilesEnv {
    return { home: LEARNER_HOME, procNet: ['/proc/net/tcp', '/proc/net/tcp6'] };
  }

  /** The sandbox's address on its own bridge (read from the engine once per container). */
  private async sandboxAddress(sandboxId: string): Promise<string> {
    const info = await this.o.docker
      .getContainer(this.containerName(sandboxId))
      .inspect()
      .catch(() => {
        throw new BerthError('not_found', 'the sandbox is not running');
      });
    const network = info.NetworkSettings.Networks?.[this.networkName(sandboxId)];
    if (!info.State.Running || !network?.IPAddress) throw new BerthError('not_found', 'the sandbox is not running');
    return network.IPAddress;
  }

  /** An exec as the learner (numeric uid, never root), in the home folder, with the learner's environment. */
  private learnerExec(sandboxId: string, identity: SlotIdentity, argv: string[], stdin: boolean, env: Record<string, string> = {}) {
    return this.o.docker.getContainer(this.containerName(sandboxId)).exec({
      Cmd: argv,
      AttachStdin: stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      User: `${identity.learnerUid}:${identity.learnerUid}`,
      WorkingDir: LEARNER_HOME,
      Env: [...this.learnerEnv(identity), ...Object.entries(env).map(([k, v]) => `${k}=${v}`)],
    });
  }

  watch(listener: (event: DriverEvent) => void): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1) void this.followEvents(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    (this.events as unknown as { destroy?: () => void } | null)?.destroy?.();
  }

  private emit(event: DriverEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Follows the engine's container events; when the engine goes away, waits for it to come back. */
  private async followEvents(reconnecting: boolean): Promise<void> {
    while (!this.closed) {
      try {
        const stream = (await this.o.docker.getEvents({
          filters: { type: ['container'], event: ['die'], label: [`${label.agent}=${this.o.agentId}`] },
        })) as NodeJS.ReadableStream;
        this.events = stream;
        if (reconnecting) this.emit({ kind: 'engine-back' });
        reconnecting = false;
        await this.readEvents(stream);
        if (this.closed) return;
        this.emit({ kind: 'engine-lost', message: 'the engine event stream ended' });
      } catch (err) {
        if (!reconnecting) this.emit({ kind: 'engine-lost', message: (err as Error).message });
      }
      reconnecting = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private readEvents(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise((resolve) => {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) void this.onEngineEvent(line);
        }
      });
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
    });
  }

  private async onEngineEvent(line: string): Promise<void> {
    let event: { status?: string; id?: string; Actor?: { Attributes?: Record<string, string> } };
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    const attrs = event.Actor?.Attributes ?? {};
    const sandboxId = attrs[label.sandbox] ?? attrs[label.session];
    if (event.status !== 'die' || !sandboxId || !event.id) return;
    const info = await this.o.docker.getContainer(event.id).inspect().catch(() => null);
    this.emit({
      kind: 'exited',
      sandboxId,
      exitCode: Number(attrs.exitCode ?? info?.State.ExitCode ?? -1),
      oomKilled: info?.State.OOMKilled ?? false,
    });
  }

  private labels(spec: SandboxSpec): Record<string, string> {
    const labels: Record<string, string> = {
      [label.agent]: this.o.agentId,
      [label.sandbox]: spec.sandboxId,
      [label.slot]: String(spec.identity.slot),
      [label.profile]: spec.profile,
      [label.limits]: JSON.stringify(spec.limits),
    };
    if (spec.session) {
      labels[label.session] = spec.session.sessionId;
      labels[label.created] = spec.session.createdAt.toISOString();
      labels[label.expires] = spec.session.expiresAt.toISOString();
    } else {
      labels[label.pool] = spec.profile;
    }
    return labels;
  }

  private learnerEnv(identity: SlotIdentity): string[] {
    return [
      `HOME=${LEARNER_HOME}`,
      'USER=learner',
      'LOGNAME=learner',
      'SHELL=/bin/bash',
      'TERM=xterm-256color',
      'LANG=C.UTF-8',
      `XDG_RUNTIME_DIR=/run/user/${identity.learnerUid}`,
      `DOCKER_HOST=unix:///run/user/${identity.learnerUid}/docker.sock`,
    ];
  }

  /** Attaches before starting, so only this start's lines count, then waits for the ready line. */
  private async startAndWait(container: Docker.Container): Promise<void> {
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true, logs: false })) as unknown as Duplex;
    let seen = '';
    const outcome = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the inner Docker daemon was not ready within ${this.o.readyTimeoutMs / 1000} s`)),
        this.o.readyTimeoutMs,
      );
      const done = (err?: Error) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      stream.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString('utf8')).slice(-8192);
        if (seen.includes(READY_LINE)) done();
        const failed = seen.indexOf(FAILED_PREFIX);
        if (failed >= 0) done(new Error(seen.slice(failed + FAILED_PREFIX.length).split('\n')[0]?.trim() || 'unknown'));
      });
      stream.once('end', () => {
        this.o.log.warn({ output: lastLines(seen, 40) }, 'a sandbox exited while starting');
        done(new Error(`the sandbox exited while starting: ${lastLines(seen, 3)}`));
      });
    });
    // A start that throws must not leave the ready-wait's rejection unhandled.
    outcome.catch(() => undefined);
    try {
      await container.start();
      await outcome;
    } finally {
      stream.destroy();
    }
  }

  private async hasReported(containerId: string, text: string): Promise<boolean> {
    // The status line is the only thing on stdout (the inner daemon logs to stderr).
    const logs = (await this.o.docker
      .getContainer(containerId)
      .logs({ stdout: true, stderr: false, tail: 200 })
      .catch(() => Buffer.alloc(0))) as unknown as Buffer;
    return logs.toString('utf8').includes(text);
  }
}

/** GET /_ping on a Docker API unix socket: the body ("OK"), or a rejection. */
function pingDocker(socketPath: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 64)));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : `HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The IPv4 address of a host interface, also when it is down (os.networkInterfaces skips those). */
async function interfaceAddress(ifname: string): Promise<string | undefined> {
  const out = await host('ip', ['-4', '-o', 'addr', 'show', 'dev', ifname]).catch(() => '');
  return /inet (\d+\.\d+\.\d+\.\d+)\//.exec(out)?.[1];
}

function lastLines(text: string, count: number): string {
  // Strip the stream multiplexing headers' control bytes before showing output.
  const clean = [...text].filter((c) => c === '\n' || c >= ' ').join('');
  return clean.trim().split('\n').slice(-count).join(' | ') || '(no output)';
}

export const REMAP_OFF_WARNING =
  'user-namespace remapping is OFF: the sandbox entrypoint runs as host root (the learner and inner containers still do not). Enable it with infra/setup-host.sh.';

/**
 * Whether the agent may run on this engine, and with which host uid base: a remapped
 * engine always (the base is read from its root dir, /var/lib/docker/BASE.BASE); an
 * engine that is not remapped only when the operator turned `sandbox.usernsRemap` off,
 * and then with a warning. Throws the message an operator sees otherwise.
 */
export function decideRemap(engine: { securityOptions?: string[]; dockerRootDir: string }, usernsRemap: boolean): { hostUidBase: number; warnings: string[] } {
  const remapped = engine.securityOptions?.some((o) => o.includes('name=userns')) ?? false;
  if (remapped) {
    const m = /\/(\d+)\.(\d+)$/.exec(engine.dockerRootDir);
    if (!m) throw new Error(`cannot read the remap base from the engine's root dir ${engine.dockerRootDir}`);
    return { hostUidBase: Number(m[1]), warnings: [] };
  }
  if (usernsRemap) {
    throw new Error(
      'the host Docker engine does not run with --userns-remap: run infra/setup-host.sh, or set sandbox.usernsRemap=false in the agent config to run without it (not recommended)',
    );
  }
  return { hostUidBase: 0, warnings: [REMAP_OFF_WARNING] };
}

/** What inspectHost asks of the engine (a dockerode instance, or a stand-in in tests). */
export type EngineInfoSource = Pick<Docker, 'info' | 'getNetwork'>;

/** Reads what the driver needs from the engine and the host at start-up. */
export async function inspectHost(docker: EngineInfoSource, opts: { usernsRemap: boolean; seccompProfilePath: string; mirrorHost: string }) {
  const info = await docker.info();
  const { hostUidBase, warnings } = decideRemap(
    { securityOptions: info.SecurityOptions as string[] | undefined, dockerRootDir: info.DockerRootDir as string },
    opts.usernsRemap,
  );
  // Every terminal (docker exec) costs the sandboxes' shared root uid a kernel key (see infra/setup-host.sh).
  const maxKeys = Number(await readFile('/proc/sys/kernel/keys/maxkeys', 'utf8').catch(() => '0'));
  if (maxKeys > 0 && maxKeys < 2000) {
    warnings.push(
      `kernel.keys.maxkeys is ${maxKeys}: about that many terminals can be open on this host at once (all sandboxes together); run infra/setup-host.sh to raise it`,
    );
  }
  const seccompProfile = await readFile(opts.seccompProfilePath, 'utf8').catch(() => {
    throw new Error(`the sandbox seccomp profile ${opts.seccompProfilePath} is missing: run infra/setup-host.sh`);
  });
  JSON.parse(seccompProfile);
  let mirrorHost = opts.mirrorHost;
  if (mirrorHost === 'auto') {
    const bridge = await docker.getNetwork('bridge').inspect();
    // The default bridge often lists no gateway: then read docker0's own address.
    const ifname = bridge.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
    const gateway = bridge.IPAM?.Config?.[0]?.Gateway ?? (await interfaceAddress(ifname));
    if (!gateway) throw new Error('cannot find the docker0 gateway address for the registry mirror');
    mirrorHost = gateway;
  }
  return { hostUidBase, seccompProfile, mirrorHost, warnings, engineVersion: info.ServerVersion as string };
}
