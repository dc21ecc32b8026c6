// Screenshots of the Temporal Web UI as an operator sees it (issue 16), for docs/: the list with the
// Escalation* columns, a filtered list and a running escalation's detail page. Run against `npm
// start` (API and Web UI URLs from the environment); it opens three escalations and sends events so
// the pages have something to show, then drives headless Chromium (Debian's /usr/bin/chromium).
//
//   API_URL=http://127.0.0.1:3000 UI_URL=http://127.0.0.1:8233 npx tsx scripts/screenshots.ts
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const ui = process.env.UI_URL ?? 'http://127.0.0.1:8233';
const out = process.env.OUT_DIR ?? 'docs/screenshots';
const MIN = 60_000;
const run = Date.now().toString(36).toUpperCase();

async function post(path: string, body: unknown): Promise<{ id?: string; execution?: { runId: string } }> {
  const res = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id?: string; execution?: { runId: string } };
}
const event = (id: string, e: Record<string, unknown>) => post(`/escalations/${encodeURIComponent(id)}/events`, e);
const iso = (ms: number) => new Date(Math.round(ms / MIN) * MIN).toISOString().replace('.000Z', 'Z');
const session = (id: string, title: string, startMs: number, issueType: string) => ({
  playbook: 'live-delivery',
  input: {
    booking: { id, sessionTitle: title, sessionFormat: 'Virtual Workout', startTime: iso(startMs), timeZone: 'America/Chicago' },
    bookingOwner: 'booking-owner',
    portfolioTeamLead: 'portfolio-team-lead',
    siteContact: { name: 'Dana Client', email: 'dana.client@example.org', phone: '+1 555 0199' },
    facilitator: { name: 'Alex Facilitator', phone: '+1 555 0142' },
    issueType,
    reportedBy: 'desk-agent',
  },
});

const facilitator = await post('/escalations', session(`B-${run}-1`, 'Leading Essentials', Date.now() + 10 * MIN, 'facilitator-no-show'));
const participants = await post('/escalations', session(`B-${run}-2`, 'Coaching Foundations', Date.now() + 2 * MIN, 'participant-no-show'));
await post('/escalations', {
  playbook: 'account-escalation',
  input: {
    account: {
      id: `ACC-${run}`,
      name: 'Example Health Clinics',
      mrr: { amount: 4200, currency: 'USD' },
      crmUrl: `https://crm.example.com/accounts/ACC-${run}`,
      products: ['LMS', 'CRED SOFT'],
      fmc: false,
      timeZone: 'America/Chicago',
    },
    trigger: 'upset',
    explicit: true,
    escalatedAt: iso(Date.now() - 60 * MIN),
    churn: { primary: 'service', secondary: ['unresolved-issues'] },
    csm: 'csm',
    teamLead: 'cs-team-lead',
    teamLeadManager: 'cs-manager',
    customerContact: { name: 'Dana Client', email: 'dana.client@example.org' },
    reportedBy: 'csm',
  },
});
await new Promise((r) => setTimeout(r, 3000));
await event(facilitator.id!, { type: 'facilitator-reached', actor: 'desk-agent', eta: '5 minutes' });
await event(participants.id!, { type: 'client-unreachable', actor: 'desk-agent' });
await event(participants.id!, { type: 'client-reached', actor: 'desk-agent', participants: 'still-expected' });
await new Promise((r) => setTimeout(r, 3000));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // Playwright gives the browser a fresh, empty profile of its own (the --user-data-dir the brief asks for).
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
const list = `${ui}/namespaces/default/workflows`;
// The list's column settings ("Configure columns") are kept in the browser's local storage under
// `namespace-workflow-table-columns` (Web UI 2.x): the Escalation* search attributes beside the
// status and id, as an operator would set them once.
const columns = ['Status', 'Workflow ID', 'EscalationPlaybook', 'EscalationStatus', 'EscalationBusinessTime', 'EscalationNextDeadline', 'Start'];
await page.addInitScript((labels: string[]) => {
  // Runs in the page (no DOM types in this project's compiler settings).
  const { localStorage } = globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } };
  localStorage.setItem('namespace-workflow-table-columns', JSON.stringify({ default: labels.map((label, i) => ({ label, pinned: i < 2 })) }));
}, columns);
await page.goto(list, { waitUntil: 'networkidle' });
await page.screenshot({ path: `${out}/web-ui-list.png` });
const query = 'EscalationPlaybook = "live-delivery" AND ExecutionStatus = "Running"';
await page.goto(`${list}?query=${encodeURIComponent(query)}`, { waitUntil: 'networkidle' });
await page.screenshot({ path: `${out}/web-ui-list-filtered.png` });
const detail = `${list}/${encodeURIComponent(participants.id!)}/${participants.execution!.runId}`;
const shows = (text: string) => page.waitForFunction((t) => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes(t), text, { timeout: 30_000 });
// The running escalation: its summary and current details (User Metadata), then its history.
await page.goto(`${detail}/history`, { waitUntil: 'networkidle' });
await shows("Slack 'alert'");
// Open the latest update's row: its id says the event type and the actor.
await page.getByText('Workflow Execution Update Accepted').first().click();
await shows('client-reached:desk-agent:');
await page.screenshot({ path: `${out}/web-ui-running-escalation.png`, fullPage: true });
await page.getByText('User Metadata', { exact: true }).first().click();
await shows('Participants by session start + 30 minutes');
await page.screenshot({ path: `${out}/web-ui-running-escalation-details.png`, fullPage: true });
await browser.close();
process.stdout.write(`screenshots in ${out}: ${facilitator.id}, ${participants.id}\n`);
