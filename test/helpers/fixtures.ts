// Example inputs and the example directory, shared by the tests.
import { fileURLToPath } from 'node:url';
import { loadDirectory, type Directory } from '../../src/directory.js';
import type { LiveDeliveryInput } from '../../workflows/live-delivery/contract.js';

export const directoryFile = fileURLToPath(new URL('../../config/directory.example.yaml', import.meta.url));
export const loadExampleDirectory = (): Promise<Directory> => loadDirectory(directoryFile);

let seq = 0;
/** A unique, valid live-delivery escalation for a session starting at `startMs`. */
export function liveDeliveryInput(
  issueType: LiveDeliveryInput['issueType'],
  startMs: number,
  overrides: Partial<LiveDeliveryInput> = {},
): LiveDeliveryInput {
  seq += 1;
  return {
    booking: {
      id: `B-${Date.now().toString(36)}-${seq}`,
      sessionTitle: 'Leading Essentials',
      sessionFormat: 'Virtual Workout',
      startTime: new Date(startMs).toISOString(),
      timeZone: 'America/Chicago',
      sessionLink: 'https://meet.example.com/leading-essentials',
    },
    bookingOwner: 'booking-owner',
    portfolioTeamLead: 'portfolio-team-lead',
    siteContact: { name: 'Dana Client', email: 'dana.client@example.org', phone: '+1 555 0199' },
    facilitator: { name: 'Alex Facilitator', phone: '+1 555 0142', email: 'alex.facilitator@example.com' },
    issueType,
    reportedBy: 'desk-agent',
    callRetryMinutes: 5,
    locale: 'en',
    ...overrides,
  };
}

export const facilitatorNoShow = (startMs: number, overrides: Partial<LiveDeliveryInput> = {}) =>
  liveDeliveryInput('facilitator-no-show', startMs, overrides);
