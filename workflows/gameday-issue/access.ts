// gameday-issue: who may send which event (role checks, evaluated by the API in src/auth/rules.ts).
// The people and groups are the event's, from the directory file (playbooks.gameday-issue.events.<key>),
// taken into the facts when the issue starts. Pure data and functions; the definition carries it.
import type { PlaybookAccess } from '../kit/access.js';
import type { GamedayIssueEvent, GamedayIssueInput, GamedaySettings } from './contract.js';

const responders = { groupOf: 'responseGroup', label: "the event's client-success response group" } as const;
const techSupport = { groupOf: 'techSupportGroup', label: "the event's tech-support group" } as const;
const lead = { party: 'lead', label: "the event's lead" } as const;

export const gamedayIssueAccess: PlaybookAccess<GamedayIssueInput, GamedayIssueEvent> = {
  facts: (input, settings) => {
    const ev = (settings as GamedaySettings | undefined)?.events[input.event];
    return {
      raisedBy: input.raisedBy,
      lead: ev?.lead ?? null,
      responseGroup: ev?.responseGroup ?? null,
      techSupportGroup: ev?.techSupportGroup ?? null,
    };
  },
  rules: [
    {
      id: 'acknowledged-by-responders',
      events: ['acknowledged'],
      allow: [responders, techSupport, lead],
      source: 'seed 001: the client-success response team responds to the issues the client team raises (tier 2); tech support takes escalated ones (tier 3)',
    },
    {
      id: 'escalation-by-client-success',
      events: ['escalated-to-tech-support'],
      allow: [responders, lead],
      source: 'seed 001: the client-success response team can escalate issues to tech support',
    },
    {
      id: 'outcome-by-responders',
      events: ['resolved', 'workaround', 'follow-up'],
      allow: [responders, techSupport, lead],
      source: 'seed 001: the response team (or tech support, once escalated) resolves; the client team gives the user the answer',
    },
  ],
};
