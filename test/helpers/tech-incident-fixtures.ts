// tech-incident reports and openings for the tests: a problem in the member area (error 502) reported
// from the iOS app, customers at example.org, agents from the example directory.
import type { TechIncidentOpening, TechIncidentPolicy, TechIncidentReport } from '../../workflows/tech-incident/contract.js';

export const TECH_POLICY: TechIncidentPolicy = { criticalAbove: 5, delayReminderMinutes: 240, quietDays: 7, timeZone: 'Europe/Berlin' };

export const techOpening = (problemKey = 'member-area-502', policy: Partial<TechIncidentPolicy> = {}): TechIncidentOpening => ({
  problemKey,
  policy: { ...TECH_POLICY, ...policy },
});

/** Report `n`: ticket GRV-<n>, customer kunde<n>@example.org (unless overridden). */
export function techReport(n: number, overrides: Partial<TechIncidentReport> = {}): TechIncidentReport {
  return {
    problemKey: 'member-area-502',
    ticket: `GRV-${1000 + n}`,
    customerEmail: `kunde${n}@example.org`,
    problem: 'Der Mitgliederbereich zeigt die Fehlermeldung 502',
    productArea: 'member-area',
    platform: 'ios-app',
    errorCode: '502',
    category: 'technical',
    reportedBy: 'support-agent',
    ...overrides,
  };
}
