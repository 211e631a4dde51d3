// The stack every dev aid starts: the bench's ports, slots from SLOT / PEER_SLOT
// (default 40 / 52, as `npm run bench`), the image from BERTH_BENCH_IMAGE.
import { BenchStack } from '../stack';

export function devStack(log: (line: string) => void = () => {}): BenchStack {
  return new BenchStack({
    dir: '/var/lib/berth/speed/bench',
    ports: { web: 3200, postgres: 3299, agent: 7200, peersAgent: 7201 },
    slots: { first: Number(process.env.SLOT ?? 40), count: 8 },
    peerSlots: { first: Number(process.env.PEER_SLOT ?? 52), count: 4 },
    maxTerminals: 40,
    image: process.env.BERTH_BENCH_IMAGE ?? 'berth/session:latest',
    log,
  });
}
