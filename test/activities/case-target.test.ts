// The case-target activities (createEscalationCase, addCaseNote) against the local case-target
// stand-in: what the CRM webhook receives, idempotency across attempts, and how each failure is handed
// to Temporal. Plus the configuration the account-escalation playbook adds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { caseTargetActivities, type CaseTargetSettings, type CreateEscalationCaseInput } from '../../activities/case-target.js';
import { TRANSIENT_DELIVERY_FAILURE } from '../../activities/failures.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startCaseTargetStandIn, type CaseTargetStandIn } from '../../src/stand-ins/case-target.js';
import { directoryFile } from '../helpers/fixtures.js';
import { deadUrl, expectPermanent, expectRetryable, failureOf, runAttempt } from './helpers.js';

const token = 'case-token';
let target: CaseTargetStandIn;
let seq = 0;

const acts = (settings: Partial<CaseTargetSettings> = {}) => caseTargetActivities({ caseTarget: { url: target.url, token, ...settings } });

function caseInput(): CreateEscalationCaseInput {
  seq += 1;
  return {
    escalationId: `account-escalation:ACC-${seq}-20270105T1600Z`,
    account: {
      id: `ACC-${seq}`,
      name: 'Example Health Clinics',
      mrr: { amount: 4200, currency: 'USD' },
      crmUrl: `https://crm.example.com/accounts/ACC-${seq}`,
      products: ['LMS'],
      fmc: false,
    },
    trigger: 'past-due',
    reason: 'The account became past due',
    explicit: false,
    churn: { primary: 'price', secondary: ['past-due'], description: 'Price-related: pricing issues (Past due)' },
    csm: 'csm',
    teamLead: 'cs-team-lead',
    customerContact: { name: 'Dana Client', email: 'dana.client@example.org' },
    escalatedAt: '2027-01-05T16:00:00.000Z',
  };
}

beforeAll(async () => {
  target = await startCaseTargetStandIn({ token });
});

afterAll(async () => {
  await target?.close();
});

beforeEach(() => target.reset());

describe('createEscalationCase', () => {
  it('creates a numbered case with the account, reason and churn coding', async () => {
    const input = caseInput();
    const made = await runAttempt(acts().createEscalationCase, input);
    expect(made).toEqual({ caseNumber: 'CASE-000001', url: `${target.url}/cases/CASE-000001`, created: true });
    const kase = target.case('CASE-000001')!;
    expect(kase).toMatchObject({ escalationId: input.escalationId, accountId: input.account.id, accountName: 'Example Health Clinics', status: 'open' });
    expect(kase.idempotencyKey).toBe(`${input.escalationId}/case`);
    expect(kase.body).toMatchObject({ trigger: 'past-due', churn: { primary: 'price', secondary: ['past-due'] }, account: { mrr: { amount: 4200 } } });
    expect((await runAttempt(acts().createEscalationCase, caseInput())).caseNumber).toBe('CASE-000002');
  });

  it('a retry after an ambiguous failure (accepted, answer too late) gets the same case, not a second one', async () => {
    const input = caseInput();
    target.failNext('create-case', { acceptThenHang: 1_000 });
    const first = await failureOf(runAttempt(acts({ timeoutMs: 200 }).createEscalationCase, input, 1));
    expectRetryable(first, TRANSIENT_DELIVERY_FAILURE);
    expect(first.message).toContain('no answer from the case target');
    const second = await runAttempt(acts().createEscalationCase, input, 2);
    expect(second).toMatchObject({ caseNumber: 'CASE-000001', created: false });
    expect(target.cases()).toHaveLength(1);
  });

  it('5xx and 408 are retried; 429 after Retry-After', async () => {
    target.failNext('create-case', { status: 503 });
    expectRetryable(await failureOf(runAttempt(acts().createEscalationCase, caseInput())), TRANSIENT_DELIVERY_FAILURE);
    target.failNext('create-case', { status: 408 });
    expectRetryable(await failureOf(runAttempt(acts().createEscalationCase, caseInput())), TRANSIENT_DELIVERY_FAILURE);
    target.failNext('create-case', { status: 429, retryAfter: 30 });
    expectRetryable(await failureOf(runAttempt(acts().createEscalationCase, caseInput())), TRANSIENT_DELIVERY_FAILURE, '30s');
  });

  it('no answer at all is retried', async () => {
    const failure = await failureOf(runAttempt(caseTargetActivities({ caseTarget: { url: await deadUrl() } }).createEscalationCase, caseInput()));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('no answer from the case target');
  });

  it('a wrong token, a rejected body or no configuration fail for good with the reason', async () => {
    expectPermanent(await failureOf(runAttempt(acts({ token: 'wrong' }).createEscalationCase, caseInput())), 'case target answered 401: invalid or missing bearer token');
    target.failNext('create-case', { status: 422 });
    expectPermanent(await failureOf(runAttempt(acts().createEscalationCase, caseInput())), 'case target answered 422');
    expectPermanent(
      await failureOf(runAttempt(caseTargetActivities({ caseTarget: undefined }).createEscalationCase, caseInput())),
      'no case target configured (CASE_TARGET_URL)',
    );
    expect(target.cases()).toHaveLength(0);
  });
});

describe('addCaseNote', () => {
  it('adds notes to the case, once per key, and the case takes the status they report', async () => {
    const { caseNumber } = await runAttempt(acts().createEscalationCase, caseInput());
    const note = {
      escalationId: 'account-escalation:x',
      caseNumber,
      key: 'escalation-note-1',
      kind: 'escalation-note',
      text: 'Called the customer; no answer.',
      author: 'csm',
      at: '2027-01-05T17:00:00.000Z',
      status: 'waiting-for-customer',
    };
    const first = await runAttempt(acts().addCaseNote, note);
    const again = await runAttempt(acts().addCaseNote, note, 2);
    expect(again).toEqual({ noteId: first.noteId, created: false });
    expect(first.created).toBe(true);
    await runAttempt(acts().addCaseNote, { ...note, key: 'closure-2', kind: 'closure', text: 'Closed: churned', status: 'closed-churned' });
    const kase = target.case(caseNumber)!;
    expect(kase.notes.map((n) => [n.kind, n.author, n.status])).toEqual([
      ['escalation-note', 'csm', 'waiting-for-customer'],
      ['closure', 'csm', 'closed-churned'],
    ]);
    expect(kase.status).toBe('closed-churned');
  });

  it('a case the CRM does not know fails for good', async () => {
    const failure = await failureOf(
      runAttempt(acts().addCaseNote, { escalationId: 'e', caseNumber: 'CASE-404', key: 'k', kind: 'status', text: 't', author: 'engine', at: '2027-01-05T17:00:00.000Z' }),
    );
    expectPermanent(failure, 'case target answered 404: no case CASE-404');
  });
});

describe('account-escalation configuration', () => {
  const base = { DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'silent' };

  it('FINANCE_MEETING defaults to Tuesdays 15:00 Berlin time and takes any weekday, time and IANA zone', async () => {
    expect((await loadConfig(base)).financeMeeting).toEqual({ weekday: 'TUE', hour: 15, minute: 0, timeZone: 'Europe/Berlin' });
    expect((await loadConfig({ ...base, FINANCE_MEETING: 'thu 09:30 America/Chicago' })).financeMeeting).toEqual({
      weekday: 'THU',
      hour: 9,
      minute: 30,
      timeZone: 'America/Chicago',
    });
  });

  it('a malformed FINANCE_MEETING or CASE_TARGET_URL stops start-up naming the variable', async () => {
    await expect(loadConfig({ ...base, FINANCE_MEETING: 'Tuesdays at 3' })).rejects.toThrow(/FINANCE_MEETING: expected/);
    await expect(loadConfig({ ...base, FINANCE_MEETING: 'TUE 15:00 Europe/Atlantis' })).rejects.toThrow(/FINANCE_MEETING: unknown IANA time zone/);
    await expect(loadConfig({ ...base, CASE_TARGET_URL: 'not a url' })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ ...base, CASE_TARGET_URL: 'not a url' })).rejects.toThrow(/CASE_TARGET_URL/);
  });
});
