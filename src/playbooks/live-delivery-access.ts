// live-delivery: who may send which event (role checks, src/auth/rules.ts). Pure data and
// functions of the input and event, so it can sit beside the playbook's contract.
import type { PlaybookAccess } from '../auth/rules.js';
import type { LiveDeliveryEvent, LiveDeliveryInput } from './live-delivery.js';

export const liveDeliveryAccess: PlaybookAccess<LiveDeliveryInput, LiveDeliveryEvent> = {
  facts: (input) => ({ bookingOwner: input.bookingOwner, portfolioTeamLead: input.portfolioTeamLead }),
  rules: [
    {
      id: 'owner-acknowledges',
      events: ['owner-acknowledged'],
      allow: [
        { party: 'bookingOwner', label: 'the booking owner' },
        { party: 'portfolioTeamLead', label: 'their portfolio team lead' },
      ],
      source: 'seed 000: the booking owner is tagged in the bookings-emergencies channel and takes over the client',
    },
  ],
};
