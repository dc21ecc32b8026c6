// Every playbook workflow the worker registers.
export { liveDelivery } from './live-delivery/index.js';
export { accountEscalation } from './account-escalation.js';
