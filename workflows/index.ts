// The worker's workflow bundle: every playbook in the registry, by its workflow type. The SDK runs a
// bundle's default export for a workflow type it does not export by name, so this one function
// serves them all and the registry stays the only list.
import { workflowInfo } from '@temporalio/workflow';
import { registry } from './registry.js';

const workflows = new Map<string, (...args: never[]) => Promise<unknown>>(
  registry.flatMap((p) => [[p.workflowType, p.workflow] as const, ...p.companions.map((c) => [c.name, c] as const)]),
);

export default async function playbookWorkflow(...args: unknown[]): Promise<unknown> {
  const { workflowType } = workflowInfo();
  const workflow = workflows.get(workflowType);
  // Like the SDK for a type it does not know: a workflow task failure, retried until a worker has it.
  if (!workflow) throw new TypeError(`no playbook runs workflow type '${workflowType}'; registered: ${[...workflows.keys()].join(', ')}`);
  return workflow(...(args as never[]));
}
