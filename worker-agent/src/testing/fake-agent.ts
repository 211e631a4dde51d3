import pino from 'pino';
import type { SandboxLimits } from '@berth/protocol';
import { FakeDriver, type FakeDriverOptions } from '../sandbox/fake-driver';
import { SessionManager } from '../sandbox/manager';
import { ProfileStore } from '../sandbox/profiles';

export const TEST_LIMITS: SandboxLimits = {
  memoryMiB: 512,
  cpus: 1,
  pids: 512,
  diskMiB: 1024,
  tmpMiB: 64,
  lifetimeSeconds: 600,
  idleSeconds: 300,
  warnSecondsBefore: 60,
  maxTerminals: 3,
};

/** A manager over the in-memory driver, for transport tests (filesRoot: real files, see FakeDriver). */
export function fakeManager(options: FakeDriverOptions = {}) {
  const driver = new FakeDriver(options);
  const manager = new SessionManager({
    agentId: 'fake',
    driver,
    profiles: ProfileStore.fromList([{ name: 'default', description: { en: 'd', ko: 'd' }, limits: TEST_LIMITS }]),
    maxLimits: TEST_LIMITS,
    slots: { first: 0, count: 4 },
    network: { bridgePrefix: 'brs', pool: '10.213.0.0/16', prefixLength: 28 },
    flow: { replayBytes: 65536, highWater: 8192, lowWater: 1024, maxChunk: 4096 },
    reserveMemoryBytes: 0,
    hostUidBase: 0,
    freeMemoryBytes: () => 8 * 2 ** 30,
    log: pino({ level: 'silent' }),
  });
  return { driver, manager };
}
