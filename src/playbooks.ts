// The playbooks as the API and the worker process see them: every registry entry's definition
// (contract, business key, summary, checks), by name, with its workflow type.
import { loadPlaybooks, type Playbook } from '../workflows/kit/playbook.js';
import { registry } from '../workflows/registry.js';

export const playbooks: Readonly<Record<string, Playbook>> = await loadPlaybooks(registry);
export const playbookNames = Object.keys(playbooks);
export type { Playbook };
export type { FieldError } from '../workflows/kit/contract.js';
