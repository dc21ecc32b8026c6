// tech-incident: who may send which event (role checks, evaluated by the API in src/auth/rules.ts).
// Pure data; the definition carries it. The people a critical incident involves are directory
// groups (the on-call group, the agents trained for social media, the support agents); reports
// themselves are starts, not events, and are governed by the caller's scope (escalations:start).
import type { PlaybookAccess } from '../kit/access.js';
import { TECH_INCIDENT_DIRECTORY } from './codes.js';
import type { TechIncidentEvent, TechIncidentReport } from './contract.js';

const onCall = { group: TECH_INCIDENT_DIRECTORY.onCallGroup, label: 'the on-call group' } as const;

export const techIncidentAccess: PlaybookAccess<TechIncidentReport, TechIncidentEvent> = {
  facts: () => ({}),
  rules: [
    {
      id: 'acknowledged-by-on-call',
      events: ['acknowledged'],
      allow: [onCall],
      source: 'seed 004 steps 3-4: the siren tags the on-call group; one of them reacts within 15 minutes',
    },
    {
      id: 'status-and-resolution-by-on-call',
      events: ['status-update', 'resolved'],
      allow: [onCall],
      source: 'seed 004 step 6: the incident lead shares the update in the info channel (the backup when the lead is away)',
    },
    {
      id: 'social-media-by-trained',
      events: ['social-media-checked'],
      allow: [{ group: TECH_INCIDENT_DIRECTORY.socialMediaTrained, label: 'the agents trained for social-media support' }],
      source: 'seed 004 step 5: the agent checks the community groups if trained for it, else the assigned colleague',
    },
    {
      id: 'reproduction-and-calls-by-support-agents',
      events: ['reproduced', 'call-reached', 'call-no-answer'],
      allow: [{ group: TECH_INCIDENT_DIRECTORY.supportAgents, label: 'the support agents' }],
      source:
        'seed 004 steps 2 and 4: the agent whose report made it critical tests it in the test account and phones the incident lead, then the backup',
    },
  ],
};
