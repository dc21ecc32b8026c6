// money(): the MRR as Slack, the channel topic and the Web UI details show it, from one formatter
// built once (workflows/account-escalation/escalation.ts): it must read as toLocaleString did.
import { describe, expect, it } from 'vitest';
import { money } from '../../workflows/account-escalation/escalation.js';

describe('money', () => {
  it('groups the en-US way, keeps at most two decimals, and names the currency', () => {
    expect(money(12_400, 'USD')).toBe('12,400 USD');
    expect(money(1234.567, 'EUR')).toBe('1,234.57 EUR');
    expect(money(0.5, 'GBP')).toBe('0.5 GBP');
    expect(money(-2500.1, 'USD')).toBe('-2,500.1 USD');
  });

  it('reads exactly as Number.toLocaleString with the same options', () => {
    for (const amount of [0, 1, 9.999, 999.995, 1e6, 1234567.891, 0.004, -0.5, 42.1]) {
      expect(money(amount, 'USD')).toBe(`${amount.toLocaleString('en-US', { maximumFractionDigits: 2 })} USD`);
    }
  });
});
