// The kit's capped repeating reminders (kit/reminders.ts): the step of each turn, and the kit's bounds
// on every policy (count and interval), whatever a playbook asks for.
import { describe, expect, it } from 'vitest';
import { REMINDER_LIMITS, reminderIntervalMs, reminderNotBefore, reminderStep, type ReminderPolicy } from '../../workflows/kit/reminders.js';

const policy = (maxCount: number, minIntervalMs = 3_600_000): ReminderPolicy => ({ id: 'test', maxCount, minIntervalMs, finalTo: 'the lead' });

describe('kit reminders: capped, with one final step', () => {
  it('reminds up to the cap, takes the final step once, then stays silent', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => reminderStep(n, policy(3)))).toEqual(['remind', 'remind', 'remind', 'final', 'silent', 'silent']);
  });

  it('a policy cannot ask for more than the hard maximum, nor for none', () => {
    expect(reminderStep(REMINDER_LIMITS.hardMax, policy(10_000))).toBe('remind');
    expect(reminderStep(REMINDER_LIMITS.hardMax + 1, policy(10_000))).toBe('final');
    expect(reminderStep(REMINDER_LIMITS.hardMax + 2, policy(Infinity))).toBe('silent');
    expect(reminderStep(1, policy(0))).toBe('remind');
    expect(reminderStep(2, policy(0))).toBe('final');
  });

  it('no reminder re-arms sooner than the kit minimum, or the policy interval after the last one', () => {
    expect(reminderIntervalMs(policy(3, 1_000))).toBe(REMINDER_LIMITS.minIntervalMs);
    expect(reminderIntervalMs(policy(3, 7_200_000))).toBe(7_200_000);
    const last = Date.parse('2027-04-12T15:00:00Z');
    const counts = { test: { sent: 1, lastAt: new Date(last).toISOString(), finalAt: null } };
    expect(reminderNotBefore(counts, policy(3), 'test', last + 60_000)).toBe(last + 3_600_000);
    expect(reminderNotBefore(counts, policy(3), 'test', last + 5 * 3_600_000)).toBe(last + 5 * 3_600_000);
    expect(reminderNotBefore({}, policy(3), 'test', last)).toBe(last);
  });
});
