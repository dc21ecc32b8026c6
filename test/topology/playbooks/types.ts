// A playbook's main path through the production topology, run by test/topology/playbooks.test.ts.
// Adding a playbook: one file here exporting a PlaybookScenario, one line in ./index.ts.
import type { ExpectStatic } from 'vitest';
import type { Topology } from '../../../src/ops/topology.js';
import type { ApiClients } from '../harness.js';

export interface ScenarioContext {
  topology: Topology;
  /** Round robin over the API instances, failing over like a load balancer. */
  api: ApiClients;
  /** The running test's expect (scenarios run concurrently). */
  expect: ExpectStatic;
}

export interface PlaybookScenario {
  /** The playbook's name as GET /playbooks lists it. */
  playbook: string;
  /** What the main path does, as the test's title. */
  title: string;
  /** Drives the path over HTTP; returns the escalation ids it started (their deliveries are checked after). */
  run(ctx: ScenarioContext): Promise<string[]>;
}
