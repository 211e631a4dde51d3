import { describe, expect, it } from 'vitest';
import { commandKeys } from './command-keys';

describe('commandKeys (what Run types)', () => {
  it('ends every line with Enter, as a keyboard does', () => {
    expect(commandKeys('docker ps')).toBe('docker ps\r');
    expect(commandKeys('docker pull nginx\ndocker images\n')).toBe('docker pull nginx\rdocker images\r');
    expect(commandKeys("cat > a.txt <<'EOF'\nhello\nEOF")).toBe("cat > a.txt <<'EOF'\rhello\rEOF\r");
  });

  it('types nothing for an empty block (an interrupt-only block)', () => {
    expect(commandKeys('')).toBe('');
  });
});
