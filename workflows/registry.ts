// The playbooks: one line each. The worker's workflow bundle (workflows/index.ts), the API
// (src/playbooks.ts: POST /escalations, GET /playbooks) and the tools all read this list; a
// playbook's workflow type is its workflow function's name. Its definition (contract, business key,
// checks) is loaded outside the workflow bundle: see kit/playbook.ts.
import { accountEscalation } from './account-escalation/workflow.js';
import { gamedaySummary } from './gameday-issue/summary.js';
import { gamedayIssue } from './gameday-issue/workflow.js';
import { playbook } from './kit/playbook.js';
import { liveDelivery } from './live-delivery/workflow.js';

export const registry = [
  playbook(liveDelivery, () => import(/* webpackIgnore: true */ './live-delivery/definition.js')),
  playbook(accountEscalation, () => import(/* webpackIgnore: true */ './account-escalation/definition.js')),
  playbook(gamedayIssue, () => import(/* webpackIgnore: true */ './gameday-issue/definition.js'), { companions: [gamedaySummary] }),
] as const;
