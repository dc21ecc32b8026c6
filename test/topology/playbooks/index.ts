// Every playbook's main path through the production topology. A new playbook adds its file and one
// line here; test/topology/playbooks.test.ts fails while a playbook of GET /playbooks has none.
import { accountEscalation } from './account-escalation.js';
import { clientCall } from './client-call.js';
import { gamedayIssue } from './gameday-issue.js';
import { liveDelivery } from './live-delivery.js';
import { techIncident } from './tech-incident.js';
import type { PlaybookScenario } from './types.js';

export const scenarios: PlaybookScenario[] = [liveDelivery, accountEscalation, techIncident, clientCall, gamedayIssue];
