// live-delivery: who may send which event (role checks, evaluated by the API in
// src/auth/rules.ts). Pure data and functions of the input and event; the definition carries it.
import type { PlaybookAccess } from '../kit/access.js';
import type { LiveDeliveryEvent, LiveDeliveryInput } from './contract.js';

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
