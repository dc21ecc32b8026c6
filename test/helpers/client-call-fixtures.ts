// Example client-call inputs (roles from the example directory), shared by the tests and record-histories:
// the playbook's own example (the one the API documents), made unique and placed at a given time.
import playbook from '../../workflows/client-call/definition.js';
import type { ClientCallInput } from '../../workflows/client-call/contract.js';

let seq = 0;
/** A unique, valid critical client call (email updates) that came in at `callMs`. */
export function clientCallInput(callMs: number, overrides: Partial<ClientCallInput> = {}): ClientCallInput {
  seq += 1;
  const example = playbook.example!(callMs);
  return {
    ...example,
    callAt: new Date(callMs).toISOString(),
    client: {
      ...example.client,
      accountId: `ACME-${process.pid.toString(36)}-${Date.now().toString(36)}-${seq}`,
      accountName: `Example Health Clinics ${seq}`,
    },
    notes: 'Caller was upset; reassured them we are on it.',
    ...overrides,
  };
}
