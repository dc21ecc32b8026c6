// Escalations for the fault suite, each with its real deadline placed close (a session that started
// 14 minutes ago has its 15-minute cutoff a minute away), and the checks every case ends with.
import { expect } from 'vitest';
import type { Topology } from '../../src/ops/topology.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { facilitatorNoShow } from '../helpers/fixtures.js';
import { deliveryReport, local, printReport, type ApiClients, type DeliveryReport, type Escalation } from '../topology/harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface Item {
  id: string;
  label: string;
  /** When its deadline is due (ms), if it has one that must fire during the case. */
  dueAt?: number;
  /** Checks that the deadline's effect came at or after dueAt, not before. */
  checkDeadline?: (e: Escalation, topology: Topology) => void;
  /** Sends what closes it (account escalations wait for people); called once its deadline passed. */
  finish?: (api: ApiClients) => Promise<void>;
}

const churned = { type: 'churned', actor: 'csm', churn: { primary: 'price', secondary: ['annual-increase'] } };

/** live-delivery, facilitator no-show: the 15-minute cutoff falls `inMs` from now; outcome cancelled-provider. */
export async function cutoffSoon(api: ApiClients, inMs: number): Promise<Item> {
  const input = facilitatorNoShow(Date.now() - 15 * MIN + inMs);
  const dueAt = Date.parse(input.booking.startTime) + 15 * MIN;
  const r = await api.start('live-delivery', input);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return {
    id: r.body.id,
    label: 'facilitator no-show, cutoff pending',
    dueAt,
    checkDeadline(_e, topology) {
      const email = local(topology).outbox.list({ escalationId: r.body.id, kind: 'email' }).find((m) => m.custom_args.template === 'facilitator-no-show');
      expect(email, `${r.body.id}: template 1`).toBeDefined();
      expect(Date.parse(email!.at)).toBeGreaterThanOrEqual(dueAt);
    },
    finish: (client) => clientUnreachable(client, r.body.id),
  };
}

/**
 * Once a live delivery is called off the desk phones the client before the email goes (seed 000):
 * waits for that call task and reports the client unreachable, as the desk's Slack button does.
 */
async function clientUnreachable(api: ApiClients, id: string) {
  await api.until(id, (e) => (e.state?.tasks ?? []).some((t) => t.id === 'call-client' && t.status === 'open'), 120_000, 'calling the client');
  await closeWith(api, id, { type: 'client-unreachable', actor: 'desk-agent' });
}

/** live-delivery, facilitator no-show, cutoff already passed: decides at once (emails, ticket, DM right away). */
export async function alreadyLate(api: ApiClients): Promise<Item> {
  const r = await api.start('live-delivery', facilitatorNoShow(Date.now() - 16 * MIN));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id, label: 'facilitator no-show, past its cutoff', finish: (client) => clientUnreachable(client, r.body.id) };
}

/** account-escalation, explicit complaint: the 24-hour meeting deadline falls `inMs` from now; then churned. */
export async function meetingSoon(api: ApiClients, inMs: number): Promise<Item> {
  const escalatedAt = Date.now() - 24 * HOUR + inMs;
  const r = await api.start('account-escalation', accountEscalationInput(escalatedAt, { explicit: true }));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const dueAt = escalatedAt + 24 * HOUR;
  return {
    id: r.body.id,
    label: 'account escalation, meeting deadline pending',
    dueAt,
    checkDeadline(e) {
      const missed = e.state?.timeline.find((t) => t.kind === 'deadline-missed' && t.data?.deadline === 'meeting-deadline');
      expect(missed, `${e.id}: meeting deadline`).toBeDefined();
      expect(Date.parse(missed!.at)).toBeGreaterThanOrEqual(dueAt);
    },
    finish: (client) => closeWith(client, r.body.id, churned),
  };
}

/** account-escalation without deadlines due now; closed by a churned event. */
export async function openAccount(api: ApiClients): Promise<Item> {
  const r = await api.start('account-escalation', accountEscalationInput(Date.now()));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id, label: 'account escalation', finish: (client) => closeWith(client, r.body.id, churned) };
}

async function closeWith(api: ApiClients, id: string, event: Record<string, unknown>) {
  const r = await api.event<{ status: string }>(id, event);
  expect(r.status, `${id}: ${JSON.stringify(r.body)}`).toBe(200);
}

/** Waits for every deadline to pass, closes what waits for people, then for every outcome. */
export async function settle(api: ApiClients, items: Item[], timeoutMs: number): Promise<Escalation[]> {
  const lastDue = Math.max(0, ...items.map((i) => i.dueAt ?? 0));
  // Deadlines first (their timers fire in real time), then the closing events.
  for (const item of items.filter((i) => i.finish)) {
    if (item.dueAt) await api.until(item.id, (e) => (e.state?.timeline ?? []).some((t) => t.kind === 'deadline-missed' || t.kind === 'deadline-passed'), Math.max(0, lastDue - Date.now()) + timeoutMs, 'past its deadline');
    await item.finish!(api);
  }
  return Promise.all(items.map((i) => api.completed(i.id, Math.max(0, lastDue - Date.now()) + timeoutMs)));
}

export interface CaseCheck {
  /** Email duplicates are allowed only as README "Email: at least once" states: SendGrid accepted a mail,
   * the worker died before it heard, the retry sent it again. Then the first copy precedes `killAt`. */
  killAt?: number;
  extra?: Record<string, unknown>;
}

/** Every outcome reached, every recorded message received once, nothing failed for good; prints the figures. */
export async function checkCase(title: string, topology: Topology, api: ApiClients, items: Item[], done: Escalation[], check: CaseCheck = {}): Promise<DeliveryReport> {
  const report = await deliveryReport(topology, api, items.map((i) => i.id));
  const emailDuplicates = report.duplicates.filter((d) => d.channel === 'email');
  const explained = emailDuplicates.filter((d) => check.killAt !== undefined && Date.parse(d.at[0]!) <= check.killAt && d.at.slice(1).every((a) => Date.parse(a) > check.killAt!));
  printReport(title, report, {
    ...check.extra,
    ...(emailDuplicates.length > 0 && { 'email duplicates explained by a send in flight on the killed process': `${explained.length} of ${emailDuplicates.length}` }),
  });
  expect(report.outcomes, 'outcomes reached').toBe(items.length);
  for (const e of done) expect(e.state?.outcome, e.id).toBeTruthy();
  for (const [i, item] of items.entries()) item.checkDeadline?.(done[i]!, topology);
  expect(report.missing, 'recorded as sent but not received').toEqual([]);
  expect(report.failedSteps, 'steps failed for good').toEqual([]);
  expect(report.duplicates.filter((d) => d.channel === 'slack'), 'Slack duplicates').toEqual([]);
  expect(emailDuplicates, 'email duplicates the README does not allow').toEqual(explained);
  return report;
}
