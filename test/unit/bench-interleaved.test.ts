// The bench's interleaving: drift on a shared machine must fall on every side alike, so each side
// takes each place in a round equally often, and every batch's figures land on its own side.
import { describe, expect, it } from 'vitest';
import { interleaved, interleavedSides, type BatchResult } from '../../bench/lib/stats.js';

const result = (ms: number, errors: string[] = []): BatchResult => ({ latencies: [ms], wallMs: ms, errors });

describe('bench interleaving', () => {
  it('rotates three sides so each takes each place once per three rounds', async () => {
    const order: string[] = [];
    const side = (name: string, ms: number) => async () => {
      order.push(name);
      return result(ms, name === 'c' ? ['boom'] : []);
    };
    const out = await interleavedSides({ rounds: 3, sides: { a: side('a', 1), b: side('b', 2), c: side('c', 3) } });
    expect(order.join('')).toBe('abcbcacab');
    expect(out.a).toEqual({ latencies: [1, 1, 1], wallMs: 3, calls: 3, errors: [] });
    expect(out.c!.calls).toBe(6); // a failed call counts as a call
    expect(out.c!.errors).toEqual(['boom', 'boom', 'boom']);
  });

  it('alternates two sides (AB, BA) and runs `between` after every batch', async () => {
    const order: string[] = [];
    const out = await interleaved({
      rounds: 4,
      a: async () => (order.push('a'), result(5)),
      b: async () => (order.push('b'), result(7)),
      between: async () => void order.push('|'),
    });
    expect(order.join('')).toBe('a|b|b|a|a|b|b|a|');
    expect(out.a.latencies).toEqual([5, 5, 5, 5]);
    expect(out.b.wallMs).toBe(28);
  });
});
