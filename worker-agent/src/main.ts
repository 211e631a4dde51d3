#!/usr/bin/env -S npx tsx
import { freemem } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import pino, { type DestinationStream } from 'pino';
import { loadAgentConfig, type AgentConfig } from './config';
import { acquireInstanceLock } from './instance-lock';
import { DockerDriver, inspectHost, type EngineInfoSource } from './docker/docker-driver';
import type { SandboxDriver } from './sandbox/driver';
import { SessionManager } from './sandbox/manager';
import { ProfileStore } from './sandbox/profiles';
import { startStandaloneServer } from './transport/standalone-server';
import { dialControlPlane } from './transport/dial-out';

/** Memory the kernel could give a new sandbox (MemAvailable), falling back to free memory. */
export function availableMemoryBytes(): number {
  try {
    const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}

/** Stand-ins for unit tests: the engine's answers, the sandboxes' driver, where the log goes. */
export interface AgentDeps {
  engine?: EngineInfoSource;
  driver?: SandboxDriver;
  logDestination?: DestinationStream;
}

export async function startAgent(config: AgentConfig, deps: AgentDeps = {}) {
  const logOptions = { level: config.logLevel, base: { service: 'agent', agentId: config.agentId } };
  const log = deps.logDestination ? pino(logOptions, deps.logDestination) : pino(logOptions);
  const releaseLock = acquireInstanceLock(join(config.stateDir, config.agentId), config.agentId);
  const docker = new Docker({ socketPath: config.dockerSocket });
  // Refused here (e.g. an engine without --userns-remap), the agent leaves its lock free.
  const hostFacts = await inspectHost(deps.engine ?? docker, {
    usernsRemap: config.sandbox.usernsRemap,
    seccompProfilePath: config.sandbox.seccompProfile,
    mirrorHost: config.sandbox.mirror.host,
  }).catch((err: unknown) => {
    releaseLock();
    throw err;
  });
  for (const warning of hostFacts.warnings) log.warn(warning);
  const driver = deps.driver ?? new DockerDriver({
    agentId: config.agentId,
    docker,
    image: config.sandbox.image,
    seccompProfile: hostFacts.seccompProfile,
    mirror: `${hostFacts.mirrorHost}:${config.sandbox.mirror.port}`,
    hostUidBase: hostFacts.hostUidBase,
    disksDir: join(config.stateDir, config.agentId, 'sessions'),
    readyTimeoutMs: config.sandbox.readyTimeoutSeconds * 1000,
    log,
  });
  const manager = new SessionManager({
    agentId: config.agentId,
    driver,
    profiles: ProfileStore.load(config.profilesDir),
    maxLimits: config.maxLimits,
    slots: config.slots,
    network: config.network,
    flow: config.terminal,
    reserveMemoryBytes: config.reserveMemoryMiB * 1024 * 1024,
    hostUidBase: hostFacts.hostUidBase,
    freeMemoryBytes: availableMemoryBytes,
    log,
    pool: {
      sizes: config.pool.sizes,
      reserveSlots: config.pool.reserveSlots,
      retryMs: config.pool.retrySeconds * 1000,
      cpuShares: config.pool.cpuShares,
      refillDelayMs: config.pool.refillDelaySeconds * 1000,
    },
  });
  const { adopted, pooled, removed } = await manager.reconcile();
  log.info({ adopted, pooled, removed, engine: hostFacts.engineVersion, mirror: hostFacts.mirrorHost }, 'reconciled with the engine');
  const ticker = setInterval(() => manager.tick(), 1000);

  const server = config.listen
    ? await startStandaloneServer({ ...config.listen, token: config.token, manager, log, health: () => ({
        status: 'ok',
        agentId: config.agentId,
        capacity: manager.capacity(),
        terminals: manager.bufferStats(),
        warnings: hostFacts.warnings,
        engine: hostFacts.engineVersion,
      }) })
    : null;
  if (server) log.info({ url: `http://${config.listen?.host}:${server.port}` }, 'stand-alone API listening');
  const link = config.control
    ? dialControlPlane({ url: config.control.url, agentId: config.agentId, token: config.token, manager, warnings: () => hostFacts.warnings, log })
    : null;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down; sandboxes (and the warm pool) keep running and are adopted at the next start');
    manager.drain();
    clearInterval(ticker);
    if (config.destroyOnShutdown) {
      for (const s of manager.list()) await manager.destroy(s.sessionId).catch((err) => log.error({ err }, 'destroy at shutdown failed'));
      await manager.drainPool().catch((err) => log.error({ err }, 'removing the warm pool at shutdown failed'));
    }
    link?.close();
    await server?.close();
    await driver.close();
    releaseLock();
  };
  return { manager, driver, server, shutdown, log };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let config: AgentConfig;
  try {
    config = loadAgentConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  startAgent(config).then(
    (agent) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => void agent.shutdown(signal).then(() => process.exit(0)));
      }
    },
    (err: Error) => {
      console.error(`berth agent: ${err.message}`);
      process.exit(1);
    },
  );
}
