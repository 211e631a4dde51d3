import { BerthError } from '@berth/protocol';

/** The host-wide identity of one slot: uids, bridge and subnet that no other live session has. */
export interface SlotIdentity {
  slot: number;
  /** The learner's uid inside the sandbox. */
  learnerUid: number;
  /** First subordinate uid (and gid) of the learner's rootless Docker daemon. */
  subuidStart: number;
  subuidCount: number;
  bridgeName: string;
  subnet: string;
  gateway: string;
}

export const LEARNER_UID_BASE = 100_000;
export const SUBUID_BASE = 1_048_576;
export const SUBUID_COUNT = 65_536;

export interface NetworkLayout {
  bridgePrefix: string;
  pool: string;
  prefixLength: number;
}

const ipToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** The uid layout matches infra/setup-host.sh, which sizes the remap range for it. */
export function slotIdentity(slot: number, net: NetworkLayout): SlotIdentity {
  const [poolIp, poolBits] = net.pool.split('/') as [string, string];
  const poolSize = 2 ** (32 - Number(poolBits));
  const subnetSize = 2 ** (32 - net.prefixLength);
  if ((slot + 1) * subnetSize > poolSize) {
    throw new BerthError('internal', `slot ${slot} does not fit in the network pool ${net.pool}`);
  }
  const base = ipToInt(poolIp) + slot * subnetSize;
  return {
    slot,
    learnerUid: LEARNER_UID_BASE + slot,
    subuidStart: SUBUID_BASE + slot * SUBUID_COUNT,
    subuidCount: SUBUID_COUNT,
    bridgeName: `${net.bridgePrefix}-${slot}`,
    subnet: `${intToIp(base)}/${net.prefixLength}`,
    gateway: intToIp(base + 1),
  };
}

/** Hands out slots [first, first + count); reconcile marks the ones live sessions hold. */
export class SlotAllocator {
  private readonly owners = new Map<number, string>();

  constructor(
    readonly first: number,
    readonly count: number,
  ) {}

  get used(): number {
    return this.owners.size;
  }

  allocate(sessionId: string): number {
    for (let slot = this.first; slot < this.first + this.count; slot++) {
      if (!this.owners.has(slot)) {
        this.owners.set(slot, sessionId);
        return slot;
      }
    }
    throw new BerthError('busy', 'all sandboxes on this agent are busy, try again in a minute');
  }

  /** Records that a session found at start-up holds a slot. Refuses a slot held twice. */
  take(slot: number, sessionId: string): boolean {
    if (slot < this.first || slot >= this.first + this.count) return false;
    const owner = this.owners.get(slot);
    if (owner !== undefined && owner !== sessionId) return false;
    this.owners.set(slot, sessionId);
    return true;
  }

  release(slot: number, sessionId: string): void {
    if (this.owners.get(slot) === sessionId) this.owners.delete(slot);
  }

  ownerOf(slot: number): string | undefined {
    return this.owners.get(slot);
  }
}
