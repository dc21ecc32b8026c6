// Example client-call inputs (roles from the example directory), shared by the tests and record-histories.
import type { ClientCallInput } from '../../workflows/client-call/contract.js';

let seq = 0;
/** A unique, valid critical client call (email updates) that came in at `callMs`. */
export function clientCallInput(callMs: number, overrides: Partial<ClientCallInput> = {}): ClientCallInput {
  seq += 1;
  return {
    callAt: new Date(callMs).toISOString(),
    takenBy: 'desk-agent',
    client: {
      accountId: `ACME-${process.pid.toString(36)}-${Date.now().toString(36)}-${seq}`,
      accountName: `Example Health Clinics ${seq}`,
      callerName: 'Dana Client',
      email: 'dana.client@example.org',
      phone: '+49 30 5550199',
      timeZone: 'Europe/Berlin',
    },
    preferredContact: 'email',
    usualContact: 'account-manager',
    issue: {
      summary: 'Learners cannot sign in to the course portal',
      description: 'Since this morning every learner gets "session expired" right after signing in.',
      desiredFix: 'Learners can sign in and finish the compliance course due Friday',
      impact: 'About 300 nurses cannot complete mandatory training',
      severity: 'critical',
      criticalToBusiness: true,
      timeframe: 'today',
      timeSensitive: true,
    },
    notes: 'Caller was upset; reassured them we are on it.',
    locale: 'en',
    ...overrides,
  };
}
