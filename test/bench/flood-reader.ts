/**
 * Another learner whose terminal floods: a process of its own (as another browser
 * would be), reading and acknowledging output as fast as it comes. Started by the
 * benchmark with one argument (JSON): {"kind": "berth", "url": ...} |
 * {"kind": "wetty", "url": ...} | {"kind": "exec", "container": ..., "uid": ...}.
 * Prints "flooding" once the flood runs, stops it with Ctrl-C when stdin closes,
 * then prints "stopped" and exits.
 */
import Docker from 'dockerode';
import { startFlood, stopFlood } from './measure';
import { BerthVisitor, execTerminal, wettyTerminal, type BenchTerminal } from './terminals';

type Target = { kind: 'berth'; url: string } | { kind: 'wetty'; url: string } | { kind: 'exec'; container: string; uid: number };

async function open(target: Target): Promise<{ term: BenchTerminal; close(): void }> {
  if (target.kind === 'berth') {
    const visitor = new BerthVisitor(target.url);
    const socket = await visitor.connect(await visitor.start('first-steps'));
    await socket.ready();
    const term = await socket.openTerminal();
    return { term, close: () => socket.close() };
  }
  const term = target.kind === 'wetty' ? await wettyTerminal(target.url) : await execTerminal(new Docker(), target.container, target.uid);
  return { term, close: () => void term.close() };
}

const target = JSON.parse(process.argv[2] ?? '{}') as Target;
const { term, close } = await open(target);
await term.ready;
await startFlood(term);
console.log('flooding');
process.stdin.resume();
await new Promise((resolve) => process.stdin.once('end', resolve));
await stopFlood(term);
console.log('stopped');
close();
process.exit(0);
