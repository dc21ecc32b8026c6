// End to end through the production topology (src/ops/topology.ts): PostgreSQL, the Temporal server
// built from source, the stand-ins, two `npm run worker` and two `npm run api` processes, driven over
// HTTP across both API instances. Each playbook's main path, deadlines at their real durations
// (scenarios start close to them), then every message checked at the stand-ins by its step key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../src/ops/topology.js';
import { ApiClients, deliveryReport, printReport, startTestTopology } from './harness.js';
import { scenarios } from './playbooks/index.js';

let topology: Topology;
let api: ApiClients;
let suiteStarted: number;
/** Escalations the scenarios started. */
const started_: string[] = [];

beforeAll(async () => {
  suiteStarted = Date.now();
  topology = await startTestTopology('topology-e2e');
  api = new ApiClients(topology.apis.map((a) => a.url!), topology.apiKey);
}, 600_000);

afterAll(async () => {
  await topology?.close();
  process.stdout.write(`topology end-to-end suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s wall time\n`);
});

describe('the production topology', () => {
  it('runs two API and two worker processes on the Temporal server it set up', async () => {
    expect(topology.apis).toHaveLength(2);
    expect(topology.workers).toHaveLength(2);
    for (const app of [...topology.apis, ...topology.workers]) expect(app.process.running, app.name).toBe(true);
    const info = await topology.client.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBe((await import('../../src/ops/settings.js')).versions.temporalServer);
    const attributes = await topology.client.connection.operatorService.listSearchAttributes({ namespace: topology.namespace });
    expect(Object.keys(attributes.customAttributes ?? {})).toEqual(expect.arrayContaining(['EscalationPlaybook', 'EscalationStatus', 'EscalationBusinessTime']));
  });

  it('requires a credential on each API instance (its API_KEYS_FILE holds the topology key only)', async () => {
    for (const a of topology.apis) {
      const anonymous = await fetch(`${a.url}/escalations`);
      expect(anonymous.status, a.name).toBe(401);
      expect(anonymous.headers.get('content-type'), a.name).toMatch(/^application\/problem\+json/);
      expect(anonymous.headers.get('www-authenticate'), a.name).toMatch(/^Bearer/);
      const wrong = await fetch(`${a.url}/escalations`, { headers: { authorization: 'Bearer ee_not-a-key-of-this-topology' } });
      expect(wrong.status, a.name).toBe(401);
      const keyed = await fetch(`${a.url}/escalations`, { headers: { authorization: `Bearer ${topology.apiKey}` } });
      expect(keyed.status, a.name).toBe(200);
    }
  });

  it('has a main-path scenario for every playbook the API lists', async () => {
    const r = await api.get<{ playbooks: { name: string }[] }>('/playbooks');
    expect(r.status).toBe(200);
    expect(scenarios.map((s) => s.playbook).sort()).toEqual(r.body.playbooks.map((p) => p.name).sort());
  });

  // Side by side, as escalations of different playbooks run in production.
  describe.concurrent.each(scenarios)('$playbook', (scenario) => {
    it(scenario.title, async ({ expect }) => {
      const started = Date.now();
      const ids = await scenario.run({ topology, api, expect });
      started_.push(...ids);
      const report = await deliveryReport(topology, api, ids);
      printReport(`${scenario.playbook} main path (${((Date.now() - started) / 1000).toFixed(1)} s)`, report);
      expect(report.outcomes).toBe(ids.length);
      expect(report.missing).toEqual([]);
      expect(report.failedSteps).toEqual([]);
      expect(report.duplicates).toEqual([]);
    }, 300_000);
  });

  it('keeps the escalations encrypted in Temporal (a payload codec key is configured), readable through the API', async () => {
    expect(started_.length).toBe(scenarios.length);
    for (const id of started_) {
      const history = await topology.client.workflow.getHandle(id).fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      expect(Buffer.from(input?.metadata?.encoding ?? []).toString(), id).toBe('binary/encrypted');
      expect((await api.escalation(id)).body.state?.escalationId).toBe(id);
    }
  });
});
