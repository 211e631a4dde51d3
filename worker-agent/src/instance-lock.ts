import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One agent per agent id on a host: a second one would sweep the first one's
 * sandboxes while they start. The lock is a pid file whose owner is checked to be
 * alive and to be an agent (a pid reused after a crash does not count).
 */
export function acquireInstanceLock(dir: string, agentId: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'agent.pid');
  let holder: number | null = null;
  try {
    holder = Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    // no lock yet
  }
  if (holder && holder !== process.pid && isAgent(holder)) {
    throw new Error(`another agent with id "${agentId}" is running (pid ${holder}); stop it first or use another agentId`);
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file);
    } catch {
      // already gone
    }
  };
}

function isAgent(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /worker-agent|berth-agent|node/.test(cmdline);
  } catch {
    return false;
  }
}
