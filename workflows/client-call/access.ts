// client-call: who may send which event (role checks, evaluated by the API in src/auth/rules.ts).
// Pure data and functions of the input and event; the definition carries it.
//
// The facts are fixed when the escalation starts (its memo), from the input alone. So only roles the
// intake names are rules here: the usual contact and who took the call. Who the SOP gives the other
// events to is not known then: the assignee (client updates, resolution, documentation) is chosen
// during the run, and the team and its managers (`assigned`, the review) come from the directory
// when `team` is left out. Those events stay open to callers with `events:send` until the rules can
// read facts that change during the run.
import type { PlaybookAccess } from '../kit/access.js';
import type { ClientCallEvent, ClientCallInput } from './contract.js';

export const clientCallAccess: PlaybookAccess<ClientCallInput, ClientCallEvent> = {
  facts: (input) => ({ usualContact: input.usualContact, takenBy: input.takenBy ?? null }),
  rules: [
    {
      id: 'usual-contact-back-by-contact-or-taker',
      events: ['usual-contact-back'],
      allow: [
        { party: 'usualContact', label: 'the usual contact' },
        { party: 'takenBy', label: 'who took the call' },
      ],
      source:
        'seed 003: "Debrief/handover back to the usual client contact when they become available again": ' +
        'the usual contact says they are back, or the person who took the call passes it on',
    },
  ],
};
