/**
 * Terminals as a program sees them, for each system under test: Berth through its
 * gateway (what a page does, over socket.io), wetty (its socket.io protocol), and a
 * plain Docker API exec from Node (the floor). All three hand every output chunk to
 * the listener with its arrival time.
 */
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { io, type Socket } from 'socket.io-client';
import { BROWSER_NAMESPACE, PROTOCOL_VERSION, wireParser, type SessionGrant } from '@berth/protocol';

export type DataListener = (chunk: Buffer, at: number) => void;

export interface BenchTerminal {
  readonly kind: 'berth' | 'wetty' | 'exec';
  /** Arrival time of the output that ended with the first prompt (watched from the very first byte). */
  readonly ready: Promise<number>;
  write(data: string): void;
  onData(listener: DataListener): () => void;
  close(): Promise<void>;
}

const now = () => performance.now();
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)|${ESC}[()][A-Z0-9]|${ESC}[=>]`, 'g');

class Listeners {
  private readonly set = new Set<DataListener>();
  /** Resolves when the output so far ends with a prompt, the first time. */
  readonly ready: Promise<number>;

  constructor(timeoutMs = 60_000) {
    let tail = '';
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no prompt within ${timeoutMs} ms; output: ${JSON.stringify(tail.replace(ANSI, '').slice(-200))}`));
      }, timeoutMs);
      const off = this.add((chunk, at) => {
        tail = (tail + chunk.toString('latin1')).slice(-4096);
        if (/\$ $/.test(tail.replace(ANSI, ''))) {
          clearTimeout(timer);
          off();
          resolve(at);
        }
      });
    });
    this.ready.catch(() => undefined);
  }

  add(listener: DataListener): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(chunk: Buffer): void {
    const at = now();
    for (const l of this.set) l(chunk, at);
  }
}

// ------------------------------------------------------------------------- Berth

/** A visitor of the site: its cookie, and the grants it was given. */
export class BerthVisitor {
  private cookie = '';
  constructor(readonly url: string) {}

  /** POST /api/sessions, as the page's Start button does. */
  async start(lessonId: string): Promise<SessionGrant> {
    const res = await fetch(`${this.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.url, ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify({ lessonId }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const body = (await res.json()) as SessionGrant & { error?: { message: string } };
    if (!res.ok) throw new Error(`POST /api/sessions: ${res.status} ${body.error?.message ?? ''}`);
    return body;
  }

  /** One page's socket, bound to the grant's session. */
  async connect(grant: SessionGrant): Promise<BerthSocket> {
    const socket = io(`${this.url}${BROWSER_NAMESPACE}`, {
      transports: ['websocket'],
      parser: wireParser,
      forceNew: true,
      reconnection: false,
      auth: { token: grant.token, protocolVersion: PROTOCOL_VERSION },
      extraHeaders: { origin: this.url, cookie: this.cookie },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return new BerthSocket(socket, grant.session.sessionId);
  }
}

export class BerthSocket {
  private readonly terminals = new Map<string, Listeners>();
  constructor(
    readonly socket: Socket,
    readonly sessionId: string,
  ) {
    // Acknowledged the way the page's LearnerConnection does it: every 16 KiB
    // processed, and the rest 250 ms after output paused.
    const acks = new Map<string, { acked: number; sent: number; timer?: ReturnType<typeof setTimeout> }>();
    const flush = (termId: string) => {
      const a = acks.get(termId)!;
      clearTimeout(a.timer);
      a.timer = undefined;
      if (a.acked > a.sent) socket.emit('term:ack', { termId, seq: (a.sent = a.acked) });
    };
    socket.on('term:data', (d: { termId: string; seq: number; data: ArrayBuffer | Uint8Array }) => {
      const chunk = Buffer.from(d.data instanceof ArrayBuffer ? new Uint8Array(d.data) : d.data);
      this.terminals.get(d.termId)?.emit(chunk);
      const a = acks.get(d.termId) ?? { acked: 0, sent: 0 };
      acks.set(d.termId, a);
      a.acked = d.seq + chunk.length;
      if (a.acked - a.sent >= 16_384) flush(d.termId);
      else a.timer ??= setTimeout(() => flush(d.termId), 250);
    });
  }

  private request<T>(event: string, payload: unknown, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      this.socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, answer: { ok: boolean; data: T; error?: { message: string } }) => {
        if (err) reject(err);
        else if (!answer.ok) reject(new Error(`${event}: ${answer.error?.message}`));
        else resolve(answer.data);
      });
    });
  }

  /** Resolves once the session is ready (state events, or asking). */
  async ready(timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let state: string;
    const onState = (v: { state: string }) => (state = v.state);
    this.socket.on('session:state', onState);
    try {
      state = (await this.request<{ state: string }>('session:info', {})).state;
      while (state !== 'ready') {
        if (state === 'failed' || state === 'stopped') throw new Error(`the session ended (${state})`);
        if (Date.now() > until) throw new Error(`the session was not ready in time (${state})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      this.socket.off('session:state', onState);
    }
  }

  async openTerminal(cols = 100, rows = 30): Promise<BenchTerminal> {
    const info = await this.request<{ termId: string }>('term:open', { cols, rows });
    const listeners = new Listeners();
    this.terminals.set(info.termId, listeners);
    await this.request('term:attach', { termId: info.termId, fromSeq: 0 });
    const socket = this.socket;
    return {
      kind: 'berth',
      ready: listeners.ready,
      write: (data) => socket.emit('term:input', { termId: info.termId, data }),
      onData: (l) => listeners.add(l),
      close: async () => {
        this.terminals.delete(info.termId);
        await this.request('term:close', { termId: info.termId }).catch(() => undefined);
      },
    };
  }

  close(): void {
    this.socket.close();
  }
}

// ------------------------------------------------------------------------- wetty

/** One wetty page's socket: wetty spawns its command (docker exec -it ...) per connection. */
export async function wettyTerminal(url: string, base = '/wetty'): Promise<BenchTerminal> {
  const socket = io(url, { path: `${base}/socket.io`, transports: ['websocket'], forceNew: true, reconnection: false });
  const listeners = new Listeners();
  // wetty's client commits every 256 KiB it has written into xterm (its flow control).
  let uncommitted = 0;
  socket.on('data', (data: string) => {
    const chunk = Buffer.from(data, 'utf8');
    listeners.emit(chunk);
    uncommitted += data.length;
    while (uncommitted >= 262_144) {
      uncommitted -= 262_144;
      socket.emit('commit', 262_144);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('login', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  socket.emit('resize', { cols: 100, rows: 30 });
  return {
    kind: 'wetty',
    ready: listeners.ready,
    write: (data) => socket.emit('input', data),
    onData: (l) => listeners.add(l),
    close: async () => {
      socket.close();
    },
  };
}

// ------------------------------------------------------------------------- docker exec

/** The learner's login shell through the Docker API, as the agent opens it: the floor. */
export async function execTerminal(docker: Docker, container: string, uid: number): Promise<BenchTerminal> {
  const exec = await docker.getContainer(container).exec({
    Cmd: ['bash', '-l'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    User: `${uid}:${uid}`,
    WorkingDir: '/home/learner',
    Env: learnerEnv(uid),
  });
  const listeners = new Listeners();
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  stream.on('data', (chunk: Buffer) => listeners.emit(chunk));
  await exec.resize({ w: 100, h: 30 }).catch(() => undefined);
  return {
    kind: 'exec',
    ready: listeners.ready,
    write: (data) => stream.write(data),
    onData: (l) => listeners.add(l),
    close: async () => {
      stream.write('exit\r');
      stream.destroy();
    },
  };
}

export function learnerEnv(uid: number): string[] {
  return [
    'HOME=/home/learner',
    'USER=learner',
    'LOGNAME=learner',
    'SHELL=/bin/bash',
    'TERM=xterm-256color',
    'LANG=C.UTF-8',
    `XDG_RUNTIME_DIR=/run/user/${uid}`,
    `DOCKER_HOST=unix:///run/user/${uid}/docker.sock`,
  ];
}

/** The shell command wetty runs per connection: the same login shell, through the docker CLI. */
export function dockerExecCommand(container: string, uid: number): string {
  const env = learnerEnv(uid).flatMap((e) => ['-e', e]);
  return ['docker', 'exec', '-it', '-u', `${uid}:${uid}`, '-w', '/home/learner', ...env, container, 'bash', '-l'].join(' ');
}
