/**
 * A small stand-in for the gateway, for tests only (Node): the HTTP session API
 * (POST /api/sessions, POST /api/sessions/:id/token) and the browser namespace of
 * socket.io, with terminals that keep their whole output, attach from any offset and
 * apply the same flow control as the agent (no more than `highWater` unacknowledged
 * bytes per viewer). It records what the page sent so tests can check it.
 *
 * Requests it does not serve go to `fallback` (the e2e tests put it in front of
 * `next start` that way).
 */
import http from 'node:http';
import { FakeFiles } from './fake-files';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import {
  BROWSER_NAMESPACE,
  BrowserHandshake,
  PROTOCOL_VERSION,
  browserRequestSchemas,
  type BrowserRequestName,
  type EndReason,
  type LearnerSessionView,
  type Result,
  type SessionGrant,
  wireParser,
} from '@berth/protocol';

export interface FakeTerminal {
  termId: string;
  cols: number;
  rows: number;
  output: Buffer;
  exitCode: number | null;
  /** What was typed, in order. */
  input: string[];
  /** A line being typed in the demo shell. */
  line: string;
  viewers: Map<string, { socket: Socket; sentSeq: number; ackedSeq: number }>;
}

export interface Received {
  socketId: string;
  event: string;
  payload: unknown;
}

export interface FakeGatewayOptions {
  /** Unacknowledged bytes per viewer before output pauses (the agent uses ~100 kB). */
  highWater?: number;
  /** Largest term:data message. */
  chunkSize?: number;
  /** Lifetime of issued tokens. */
  tokenTtlMs?: number;
  sessionLifetimeMs?: number;
  /** Answer POST /api/sessions with this error instead of a grant. */
  startError?: { status: number; code: string; message: string } | null;
  /** The session starts in `creating` and becomes ready after this long (0: ready at once). */
  createDelayMs?: number;
  /** A canned shell: a banner, echo, and answers to a few commands. */
  demoShell?: boolean;
  /** Sends the opener its terminal's output without waiting for term:attach. */
  attachOnOpen?: boolean;
  /** Where requests that are not the session API go. */
  fallback?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

let counter = 0;
const id = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36).padStart(4, '0')}`;

export class FakeGateway {
  readonly server: http.Server;
  readonly io: Server;
  readonly received: Received[] = [];
  /** Protocol rules the page broke (e.g. an ack past what was sent). */
  readonly violations: string[] = [];
  readonly terminals = new Map<string, FakeTerminal>();
  /** Valid tokens and when they expire. */
  readonly tokens = new Map<string, number>();
  session: LearnerSessionView;
  grantsIssued = 0;
  handshakesRefused = 0;
  /** While true, new connections fail at the transport (the page keeps retrying). */
  paused = false;
  /** This many next term:attach requests fail with `failed` (the agent is not connected). */
  failAttaches = 0;
  options: FakeGatewayOptions;
  /** The sandbox's home folder and ports (the file API, previews). */
  readonly files: FakeFiles;

  private constructor(options: FakeGatewayOptions) {
    this.options = options;
    this.session = this.newSession('first-steps');
    this.files = new FakeFiles((event, payload) => this.io.of(BROWSER_NAMESPACE).emit(event, payload));
    this.server = http.createServer((req, res) => {
      if (this.handleApi(req, res)) return;
      if (this.handlePreview(req, res)) return;
      if (this.options.fallback) this.options.fallback(req, res);
      else res.writeHead(404).end();
    });
    this.io = new Server(this.server, {
      path: '/socket.io',
      transports: ['websocket'],
      parser: wireParser,
      serveClient: false,
      allowRequest: (_req, callback) => callback(this.paused ? 'paused' : null, !this.paused),
    });
    const nsp = this.io.of(BROWSER_NAMESPACE);
    nsp.use((socket, next) => {
      const auth = BrowserHandshake.safeParse(socket.handshake.auth);
      const refuse = (code: string, message: string) => {
        this.handshakesRefused++;
        next(Object.assign(new Error(message), { data: { code, message } }));
      };
      if (!auth.success) return refuse('unauthorized', 'missing credentials');
      if (auth.data.protocolVersion !== PROTOCOL_VERSION) return refuse('version_mismatch', 'protocol version mismatch');
      const expiresAt = this.tokens.get(auth.data.token);
      if (expiresAt === undefined || expiresAt < Date.now()) return refuse('unauthorized', 'token expired or unknown');
      next();
    });
    nsp.on('connection', (socket) => this.onConnection(socket));
  }

  static async start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    const gateway = new FakeGateway(options);
    await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    await this.io.close();
  }

  // ------------------------------------------------------------ test controls

  issueGrant(): SessionGrant {
    const token = `tok_${id('')}_${'x'.repeat(8)}`;
    const tokenExpiresAt = Date.now() + (this.options.tokenTtlMs ?? 5 * 60_000);
    this.tokens.set(token, tokenExpiresAt);
    this.grantsIssued++;
    return { session: this.view(), token, tokenExpiresAt: new Date(tokenExpiresAt).toISOString() };
  }

  /** Every token issued so far stops working (as if they had all expired). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Closes every browser's transport: socket.io on the page reconnects by itself. */
  dropConnections(): void {
    for (const socket of this.io.of(BROWSER_NAMESPACE).sockets.values()) socket.conn.close();
  }

  /** Drops every connection and refuses new ones until resumed: a network outage. */
  pause(): void {
    this.paused = true;
    this.dropConnections();
  }

  resume(): void {
    this.paused = false;
  }

  sockets(): Socket[] {
    return [...this.io.of(BROWSER_NAMESPACE).sockets.values()];
  }

  /** Appends output to a terminal and sends it to its viewers (as flow control allows). */
  write(termId: string, data: string | Uint8Array): void {
    const terminal = this.terminals.get(termId);
    if (!terminal) throw new Error(`no terminal ${termId}`);
    terminal.output = Buffer.concat([terminal.output, typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)]);
    this.pump(terminal);
  }

  exitTerminal(termId: string, exitCode: number): void {
    const terminal = this.terminals.get(termId);
    if (!terminal) return;
    terminal.exitCode = exitCode;
    for (const viewer of terminal.viewers.values()) viewer.socket.emit('term:exit', { termId, exitCode });
  }

  setState(state: LearnerSessionView['state'], reason?: EndReason): void {
    this.session = { ...this.session, state, ...(reason ? { reason } : {}) };
    this.io.of(BROWSER_NAMESPACE).emit('session:state', this.view());
  }

  warn(kind: 'lifetime' | 'idle', secondsLeft: number): void {
    const endsAt = new Date(Date.now() + secondsLeft * 1000).toISOString();
    this.io.of(BROWSER_NAMESPACE).emit('session:warning', { kind, endsAt, secondsLeft });
  }

  /** Sends anything, e.g. a malformed message. */
  emitRaw(event: string, payload: unknown): void {
    this.io.of(BROWSER_NAMESPACE).emit(event, payload);
  }

  receivedOf(event: string): Received[] {
    return this.received.filter((r) => r.event === event);
  }

  view(): LearnerSessionView {
    return {
      ...this.session,
      terminals: [...this.terminals.values()].map((t) => ({
        termId: t.termId,
        cols: t.cols,
        rows: t.rows,
        endSeq: t.output.length,
        exitCode: t.exitCode,
      })),
    };
  }

  // ---------------------------------------------------------------- HTTP API

  private newSession(lessonId: string): LearnerSessionView {
    const lifetime = this.options.sessionLifetimeMs ?? 60 * 60_000;
    return {
      sessionId: id('sess_'),
      lessonId,
      state: this.options.createDelayMs ? 'creating' : 'ready',
      expiresAt: new Date(Date.now() + lifetime).toISOString(),
      idleExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
      terminals: [],
    };
  }

  private handleApi(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || !url.pathname.startsWith('/api/sessions')) return false;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.received.push({ socketId: 'http', event: `POST ${url.pathname}`, payload: body });
      if (url.pathname === '/api/sessions') {
        const error = this.options.startError;
        if (error) return send(error.status, { error: { code: error.code, message: error.message } });
        let lessonId = 'first-steps';
        try {
          lessonId = (JSON.parse(body) as { lessonId?: string }).lessonId ?? lessonId;
        } catch {
          return send(400, { error: { code: 'bad_request', message: 'not JSON' } });
        }
        const ended = ['stopped', 'failed', 'interrupted'].includes(this.session.state);
        if (ended || this.session.lessonId !== lessonId) {
          this.terminals.clear();
          this.session = this.newSession(lessonId);
        }
        this.scheduleReady();
        return send(200, this.issueGrant());
      }
      const match = /^\/api\/sessions\/([^/]+)\/token$/.exec(url.pathname);
      if (match && match[1] === this.session.sessionId) return send(200, this.issueGrant());
      return send(404, { error: { code: 'not_found', message: 'no such session' } });
    });
    return true;
  }

  /** Stands in for a preview origin: a page per port that listens, a waiting page otherwise. */
  private handlePreview(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const m = /^\/__fake-preview\/(\d+)(\/.*)?$/.exec(req.url ?? '');
    if (!m) return false;
    const port = Number(m[1]);
    const listening = this.files.ports.some((p) => p.port === port);
    const body = listening
      ? `<!doctype html><title>Welcome to nginx!</title><body style="font-family:sans-serif;padding:2rem"><h1>Welcome to nginx!</h1><p>Port ${port}, path ${m[2] ?? '/'}</p></body>`
      : `<!doctype html><meta http-equiv="refresh" content="2"><body style="font-family:sans-serif;padding:2rem;background:#0b1d35;color:#e6edf5"><h1>Waiting for port ${port}</h1></body>`;
    res.writeHead(listening ? 200 : 503, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    return true;
  }

  private readySchedule = '';

  /** A session in `creating` becomes ready after createDelayMs (once). */
  private scheduleReady(): void {
    const delay = this.options.createDelayMs;
    const sessionId = this.session.sessionId;
    if (!delay || this.session.state !== 'creating' || this.readySchedule === sessionId) return;
    this.readySchedule = sessionId;
    setTimeout(() => {
      if (this.session.sessionId === sessionId && this.session.state === 'creating') this.setState('ready');
    }, delay);
  }

  // ------------------------------------------------------------------ socket

  private onConnection(socket: Socket): void {
    socket.emit('session:state', this.view());
    socket.on('disconnect', () => {
      for (const terminal of this.terminals.values()) terminal.viewers.delete(socket.id);
      this.files.watches.delete(socket.id);
    });
    for (const name of Object.keys(browserRequestSchemas) as BrowserRequestName[]) {
      socket.on(name, (payload: unknown, ack?: (result: Result<unknown>) => void) => {
        this.received.push({ socketId: socket.id, event: name, payload });
        const parsed = browserRequestSchemas[name].safeParse(payload);
        const reply = (result: Result<unknown>) => (typeof ack === 'function' ? ack(result) : undefined);
        if (!parsed.success) {
          this.violations.push(`${name}: ${parsed.error.message}`);
          if (typeof ack === 'function') reply({ ok: false, error: { code: 'bad_request', message: 'bad request' } });
          else socket.emit('protocol:error', { code: 'bad_request', message: 'bad request', event: name });
          return;
        }
        this.handle(socket, name, parsed.data as Record<string, unknown>, reply);
      });
    }
  }

  private handle(socket: Socket, name: BrowserRequestName, req: Record<string, unknown>, reply: (r: Result<unknown>) => void): void {
    const terminal = typeof req.termId === 'string' ? this.terminals.get(req.termId) : undefined;
    const notFound = () => reply({ ok: false, error: { code: 'not_found', message: `no terminal ${String(req.termId)}` } });
    if (name.startsWith('fs:')) {
      if (this.session.state !== 'ready') return reply({ ok: false, error: { code: 'conflict', message: 'not ready' } });
      return reply(this.files.handle(socket.id, name, req));
    }
    if (name === 'preview:open') {
      const port = req.port as number;
      const path = (req.path as string | undefined) ?? '/';
      return reply({ ok: true, data: { port, origin: this.url, url: `${this.url}/__fake-preview/${port}${path}` } });
    }
    switch (name) {
      case 'session:info':
        return reply({ ok: true, data: this.view() });
      case 'session:reset': {
        for (const t of this.terminals.values()) this.exitTerminal(t.termId, 137);
        this.terminals.clear();
        this.setState('creating');
        setTimeout(() => {
          this.setState('ready');
          reply({ ok: true, data: this.view() });
        }, 50);
        return;
      }
      case 'term:open': {
        if (this.session.state !== 'ready') return reply({ ok: false, error: { code: 'conflict', message: 'not ready' } });
        const created: FakeTerminal = {
          termId: id('t'),
          cols: req.cols as number,
          rows: req.rows as number,
          output: Buffer.alloc(0),
          exitCode: null,
          input: [],
          line: '',
          viewers: new Map(),
        };
        this.terminals.set(created.termId, created);
        if (this.options.attachOnOpen) created.viewers.set(socket.id, { socket, sentSeq: 0, ackedSeq: 0 });
        if (this.options.demoShell) this.demoBanner(created);
        reply({ ok: true, data: { termId: created.termId, cols: created.cols, rows: created.rows, endSeq: created.output.length, exitCode: null } });
        return;
      }
      case 'term:attach': {
        if (!terminal) return notFound();
        if (this.failAttaches > 0) {
          this.failAttaches--;
          return reply({ ok: false, error: { code: 'failed', message: 'agent it-fake is not connected' } });
        }
        const fromSeq = Math.min(req.fromSeq as number, terminal.output.length);
        terminal.viewers.set(socket.id, { socket, sentSeq: fromSeq, ackedSeq: fromSeq });
        reply({ ok: true, data: { termId: terminal.termId, fromSeq, lost: 0, endSeq: terminal.output.length, exitCode: terminal.exitCode } });
        this.pump(terminal);
        return;
      }
      case 'term:close':
        if (!terminal) return notFound();
        this.terminals.delete(terminal.termId);
        return reply({ ok: true, data: { termId: terminal.termId } });
      case 'term:input':
        if (!terminal) return;
        terminal.input.push(req.data as string);
        if (this.options.demoShell) this.demoInput(terminal, req.data as string);
        return;
      case 'term:resize':
        if (!terminal) return;
        terminal.cols = req.cols as number;
        terminal.rows = req.rows as number;
        return;
      case 'term:ack': {
        const viewer = terminal?.viewers.get(socket.id);
        if (!terminal || !viewer) {
          this.violations.push(`term:ack for a terminal this socket is not attached to: ${String(req.termId)}`);
          return;
        }
        const seq = req.seq as number;
        if (seq > viewer.sentSeq) this.violations.push(`term:ack ${seq} is past what was sent (${viewer.sentSeq})`);
        viewer.ackedSeq = Math.max(viewer.ackedSeq, seq);
        this.pump(terminal);
        return;
      }
    }
  }

  private pump(terminal: FakeTerminal): void {
    const highWater = this.options.highWater ?? 100_000;
    const chunkSize = this.options.chunkSize ?? 16_384;
    for (const viewer of terminal.viewers.values()) {
      while (viewer.sentSeq < terminal.output.length && viewer.sentSeq - viewer.ackedSeq < highWater) {
        const n = Math.min(chunkSize, terminal.output.length - viewer.sentSeq, highWater - (viewer.sentSeq - viewer.ackedSeq));
        const data = terminal.output.subarray(viewer.sentSeq, viewer.sentSeq + n);
        viewer.socket.emit('term:data', { termId: terminal.termId, seq: viewer.sentSeq, data });
        viewer.sentSeq += n;
      }
    }
  }

  // -------------------------------------------------------------- demo shell

  /** The demo shell's file commands: cat, echo > file, touch, mkdir, rm, and docker run -p (ports). */
  private fileCommand(command: string): string | null {
    const path = (p: string) => p.replace(/^~\//, '');
    let m: RegExpExecArray | null;
    if ((m = /^cat (\S+)$/.exec(command))) {
      const node = this.files.nodes.get(path(m[1]!));
      return node?.kind === 'file' ? node.content.toString().replace(/\n/g, '\r\n') : `cat: ${m[1]}: No such file or directory\r\n`;
    }
    if ((m = /^echo (.*?) (>>?) (\S+)$/.exec(command))) {
      const p = path(m[3]!);
      const before = m[2] === '>>' ? (this.files.nodes.get(p)?.content.toString() ?? '') : '';
      this.files.put(p, `${before}${m[1]!.replace(/^["']|["']$/g, '')}\n`);
      return '';
    }
    if ((m = /^touch (\S+)$/.exec(command))) {
      if (!this.files.nodes.has(path(m[1]!))) this.files.put(path(m[1]!), '');
      return '';
    }
    if ((m = /^rm (?:-r )?(\S+)$/.exec(command))) {
      this.files.delete(path(m[1]!));
      return '';
    }
    if ((m = /^docker run -d -p (\d+):\d+ \S+$/.exec(command))) {
      this.files.setPorts([...this.files.ports, { port: Number(m[1]), scope: 'any' }]);
      return 'f3b1c0a9d2e4\r\n';
    }
    return null;
  }

  private prompt(terminal: FakeTerminal): void {
    this.write(terminal.termId, '\x1b[1;36mlearner@berth\x1b[0m:\x1b[1;34m~\x1b[0m$ ');
  }

  private demoBanner(terminal: FakeTerminal): void {
    this.write(
      terminal.termId,
      'Welcome to Berth: your own Docker engine.\r\n' +
        '\x1b[2mBerth에 오신 것을 환영합니다. 도커 엔진은 오롯이 여러분의 것입니다.\x1b[0m\r\n\r\n',
    );
    this.prompt(terminal);
  }

  private demoInput(terminal: FakeTerminal, data: string): void {
    for (const ch of data) {
      if (ch === '\r') {
        const command = terminal.line.trim();
        terminal.line = '';
        this.write(terminal.termId, '\r\n' + (this.fileCommand(command) ?? demoAnswer(command)));
        this.prompt(terminal);
      } else if (ch === '\x7f') {
        if (terminal.line) {
          const last = [...terminal.line].at(-1) ?? '';
          terminal.line = terminal.line.slice(0, -last.length);
          const wide = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(last);
          this.write(terminal.termId, wide ? '\b\b  \b\b' : '\b \b');
        }
      } else if (ch === '\x03') {
        terminal.line = '';
        this.write(terminal.termId, '^C\r\n');
        this.prompt(terminal);
      } else if (ch >= ' ') {
        terminal.line += ch;
        this.write(terminal.termId, ch);
      }
    }
  }
}


function demoAnswer(command: string): string {
  if (command === '') return '';
  if (command === 'docker run hello-world') {
    return [
      "Unable to find image 'hello-world:latest' locally",
      'latest: Pulling from library/hello-world',
      'Status: Downloaded newer image for hello-world:latest',
      '',
      '\x1b[1mHello from Docker!\x1b[0m',
      'This message shows that your installation appears to be working correctly.',
      '',
    ].join('\r\n') + '\r\n';
  }
  if (command === 'docker ps') {
    return 'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\r\n';
  }
  if (command.startsWith('echo ')) return command.slice(5) + '\r\n';
  return `bash: ${command.split(' ')[0]}: command not found\r\n`;
}
