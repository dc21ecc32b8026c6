// Every playbook's main path through the production topology. A new playbook adds its file and one
// line here; test/topology/playbooks.test.ts fails while a playbook of GET /playbooks has none.
import { accountEscalation } from './account-escalation.js';
import { liveDelivery } from './live-delivery.js';
import type { PlaybookScenario } from './types.js';

export const scenarios: PlaybookScenario[] = [liveDelivery, accountEscalation];
