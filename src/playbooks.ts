import { accountEscalation } from './account-escalation.js';
import { liveDelivery } from './live-delivery.js';
import type { PlaybookDefinition } from './types.js';

export const playbooks: Record<string, PlaybookDefinition> = {
  [liveDelivery.name]: liveDelivery,
  [accountEscalation.name]: accountEscalation,
};

export const playbookNames = Object.keys(playbooks);
export type { PlaybookDefinition, FieldError } from './types.js';
