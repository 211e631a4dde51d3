'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { LearnerSessionView } from '@berth/protocol';
import { startSession } from '@/client/api';
import { LearnerError, toLearnerError } from '@/client/errors';
import {
  ENDED_STATES,
  FINAL_STATES,
  LearnerConnection,
  type ConnectionStatus,
  type SessionWarning,
} from '@/client/learner-connection';
import { commandKeys } from './command-keys';
import { TerminalController } from './terminal-controller';
import { terminalSizeHint } from './terminal-size-hint';

export type WorkspacePhase =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'error'; error: LearnerError }
  | { kind: 'live'; connection: LearnerConnection };

/** Remembers, for this browser tab, that a lesson's sandbox was started (a reload resumes it). */
const resumeKey = (lessonId: string) => `berth:started:${lessonId}`;

function rememberStarted(lessonId: string, started: boolean): void {
  try {
    if (started) sessionStorage.setItem(resumeKey(lessonId), '1');
    else sessionStorage.removeItem(resumeKey(lessonId));
  } catch {
    // storage disabled: no resume
  }
}

function wasStarted(lessonId: string): boolean {
  try {
    return sessionStorage.getItem(resumeKey(lessonId)) === '1';
  } catch {
    return false;
  }
}

/**
 * React's strict mode unmounts and mounts again at once: a connection is disposed only
 * if no effect picks it up again within a tick.
 */
const disposeTimers = new WeakMap<LearnerConnection, ReturnType<typeof setTimeout>>();

export interface LearnerWorkspace {
  phase: WorkspacePhase;
  view: LearnerSessionView | null;
  status: ConnectionStatus;
  warning: SessionWarning | null;
  fatal: LearnerError | null;
  tabs: TerminalController[];
  activeKey: string | null;
  resetting: boolean;
  resetError: LearnerError | null;
  /** The session ended (or the connection gave up): show the overlay. */
  ended: boolean;
  start(): void;
  newTab(): void;
  closeTab(key: string): void;
  selectTab(key: string): void;
  reset(): Promise<void>;
  /** The learner typed something (clears an idle warning). */
  activity(): void;
  /**
   * Types a lesson's command into the active terminal (starting the sandbox or
   * opening a terminal first when needed). `interrupt` sends Ctrl-C before it.
   */
  typeCommand(text: string, opts?: { interrupt?: boolean }): void;
  /** Called whenever a command finishes in any of the session's terminals. */
  onCommandDone(listener: () => void): () => void;
}

const INTERRUPT_SETTLE_MS = 250;

export function useLearnerWorkspace(lessonId: string): LearnerWorkspace {
  const [phase, setPhase] = useState<WorkspacePhase>({ kind: 'idle' });
  const [view, setView] = useState<LearnerSessionView | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [warning, setWarning] = useState<SessionWarning | null>(null);
  const [fatal, setFatal] = useState<LearnerError | null>(null);
  const [tabs, setTabs] = useState<TerminalController[]>([]);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [resetting, setResetting] = useState(false);
  const [resetError, setResetError] = useState<LearnerError | null>(null);

  const tabsRef = useRef<TerminalController[]>([]);
  const tabCounter = useRef(0);
  /** Terminals to open once the session is ready (0: none wanted). */
  const wanted = useRef(0);
  const resettingRef = useRef(false);
  const autoStarted = useRef(false);
  /** A command typed (by Run) before any terminal existed: the first terminal gets it. */
  const pendingCommand = useRef('');
  /**
   * The session was just created by Start: it has no terminals yet, so the first one
   * opens at once. A session picked up again (a reload) waits for the socket's view of
   * its live terminals, since the grant's list may be out of date.
   */
  const freshSession = useRef(false);
  const commandListeners = useRef(new Set<() => void>());
  const connection = phase.kind === 'live' ? phase.connection : null;

  const replaceTabs = useCallback((next: TerminalController[], active?: string | null) => {
    tabsRef.current = next;
    setTabs(next);
    if (active !== undefined) setActiveKey(active);
  }, []);

  const makeTab = useCallback((conn: LearnerConnection, adoptTermId?: string) => {
    tabCounter.current += 1;
    const tab = new TerminalController(conn, `term-${tabCounter.current}`, tabCounter.current, adoptTermId);
    // A new terminal opens on the server at once, while its view is being built.
    if (!adoptTermId) {
      const hint = terminalSizeHint();
      tab.start(hint.cols, hint.rows);
    }
    tab.onCommandDone(() => {
      for (const listener of commandListeners.current) listener();
    });
    if (pendingCommand.current) {
      tab.input(pendingCommand.current);
      pendingCommand.current = '';
    }
    return tab;
  }, []);

  /** Opens (or adopts) the terminals a ready session needs. */
  const ensureTerminals = useCallback(
    (conn: LearnerConnection, v: LearnerSessionView) => {
      if (v.state !== 'ready' || wanted.current === 0 || resettingRef.current) return;
      const count = wanted.current;
      wanted.current = 0;
      // After a reload the session's live terminals come back, with their output.
      const live = v.terminals.filter((t) => t.exitCode === null);
      const created = live.length
        ? live.map((t) => makeTab(conn, t.termId))
        : Array.from({ length: count }, () => makeTab(conn));
      replaceTabs([...tabsRef.current, ...created], created[0]?.key ?? null);
    },
    [makeTab, replaceTabs],
  );

  const start = useCallback(async (resume = false) => {
    setPhase({ kind: 'starting' });
    setFatal(null);
    setWarning(null);
    setResetError(null);
    for (const tab of tabsRef.current) tab.discard();
    replaceTabs([], null);
    tabCounter.current = 0;
    try {
      const grant = await startSession(lessonId);
      wanted.current = 1;
      freshSession.current = !resume && grant.session.terminals.length === 0;
      setView(grant.session);
      setStatus('connecting');
      const connection = new LearnerConnection(grant);
      // The handshake starts now rather than after React's next commit (the effect below
      // subscribes, then catches up with what it may have missed).
      connection.connect();
      setPhase({ kind: 'live', connection });
      rememberStarted(lessonId, true);
    } catch (error) {
      setPhase({ kind: 'error', error: toLearnerError(error) });
    }
  }, [lessonId, replaceTabs]);

  // A reload of a page whose sandbox was started in this tab picks it up again.
  useEffect(() => {
    if (autoStarted.current) return;
    autoStarted.current = true;
    if (wasStarted(lessonId)) void start(true);
  }, [lessonId, start]);

  useEffect(() => {
    if (!connection) return;
    const timer = disposeTimers.get(connection);
    if (timer) clearTimeout(timer);
    const offs = [
      connection.on('status', setStatus),
      connection.on('state', (v) => {
        setView(v);
        if (FINAL_STATES.has(v.state) && !resettingRef.current) rememberStarted(lessonId, false);
        setWarning((w) => (w && w.kind === 'idle' && v.idleExpiresAt && Date.parse(v.idleExpiresAt) > Date.parse(w.endsAt) ? null : w));
        ensureTerminals(connection, v);
      }),
      connection.on('warning', setWarning),
      connection.on('fatal', (error) => {
        setFatal(error);
        rememberStarted(lessonId, false);
      }),
    ];
    setStatus(connection.status);
    setView(connection.session);
    if (freshSession.current) ensureTerminals(connection, connection.session);
    connection.connect();
    return () => {
      for (const off of offs) off();
      disposeTimers.set(
        connection,
        setTimeout(() => connection.dispose(), 0),
      );
    };
  }, [connection, ensureTerminals, lessonId]);

  const newTab = useCallback(() => {
    if (!connection) return;
    const tab = makeTab(connection);
    replaceTabs([...tabsRef.current, tab], tab.key);
  }, [connection, makeTab, replaceTabs]);

  const closeTab = useCallback(
    (key: string) => {
      const list = tabsRef.current;
      const index = list.findIndex((t) => t.key === key);
      if (index < 0) return;
      list[index]!.close();
      const next = list.filter((t) => t.key !== key);
      setActiveKey((active) => (active === key ? (next[Math.min(index, next.length - 1)]?.key ?? null) : active));
      replaceTabs(next);
    },
    [replaceTabs],
  );

  const reset = useCallback(async () => {
    if (!connection || resettingRef.current) return;
    resettingRef.current = true;
    setResetting(true);
    setResetError(null);
    setWarning(null);
    const count = Math.max(1, tabsRef.current.length);
    for (const tab of tabsRef.current) tab.discard();
    replaceTabs([], null);
    tabCounter.current = 0;
    try {
      const v = await connection.reset();
      resettingRef.current = false;
      wanted.current = count;
      setView(v);
      ensureTerminals(connection, connection.session);
    } catch (error) {
      resettingRef.current = false;
      setResetError(toLearnerError(error));
      wanted.current = count;
      // Terminals may be gone or not: open fresh ones once the session says it is ready.
      ensureTerminals(connection, connection.session);
    } finally {
      setResetting(false);
    }
  }, [connection, ensureTerminals, replaceTabs]);

  const activity = useCallback(() => {
    setWarning((w) => (w?.kind === 'idle' ? null : w));
  }, []);

  const typeCommand = useCallback(
    (text: string, opts: { interrupt?: boolean } = {}) => {
      const keys = commandKeys(text);
      const active = tabsRef.current.find((t) => t.key === activeKey) ?? tabsRef.current[0];
      if (active && active.getSnapshot().phase !== 'exited') {
        if (opts.interrupt) {
          active.input('\x03');
          if (keys) setTimeout(() => active.input(keys), INTERRUPT_SETTLE_MS);
        } else if (keys) active.input(keys);
        return;
      }
      pendingCommand.current = keys;
      if (connection && !resettingRef.current) newTab();
      else if (phase.kind === 'idle' || phase.kind === 'error') void start();
    },
    [activeKey, connection, newTab, phase.kind, start],
  );

  const onCommandDone = useCallback((listener: () => void) => {
    commandListeners.current.add(listener);
    return () => void commandListeners.current.delete(listener);
  }, []);

  const ended = !resetting && phase.kind === 'live' && (fatal !== null || (view !== null && ENDED_STATES.has(view.state)));

  return {
    phase,
    view,
    status,
    warning,
    fatal,
    tabs,
    activeKey,
    resetting,
    resetError,
    ended,
    start: () => void start(),
    newTab,
    closeTab,
    selectTab: setActiveKey,
    reset,
    activity,
    typeCommand,
    onCommandDone,
  };
}
