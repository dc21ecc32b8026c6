// gameday-issue's pure parts: the summary's arithmetic, the event settings and input checks, the
// list filters a playbook declares, and the live window.
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/directory.js';
import { checkPlaybookSettings, playbooks } from '../../src/playbooks.js';
import { schemaErrors } from '../../src/http/schema-errors.js';
import { listConditions, listFilterProperties } from '../../src/routes/list-filters.js';
import type { VisibleWorkflow } from '../../activities/index.js';
import { GAMEDAY_EVENT_TYPES, ISSUE_WORKFLOW_TYPE, SUMMARY_WORKFLOW_TYPE } from '../../workflows/gameday-issue/codes.js';
import { gamedayIssueEvents } from '../../workflows/gameday-issue/contract.js';
import { eventView, notLiveFlag } from '../../workflows/gameday-issue/event.js';
import { formatDuration, issueRow, median, summarise, type IssueRow } from '../../workflows/gameday-issue/figures.js';
import { gamedaySummary } from '../../workflows/gameday-issue/summary.js';
import { gamedayIssue } from '../../workflows/gameday-issue/workflow.js';
import { atInstant } from '../../workflows/kit/schemas/settings.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { EVENT, gamedayEvent, gamedayIssueInput, HOUR, MIN, withGamedayEvents } from '../helpers/gameday.js';

const T0 = Date.parse('2026-11-23T15:00:00Z');
const row = (id: string, fields: Partial<IssueRow> = {}): IssueRow => ({
  id,
  raisedAt: T0,
  tier: 'tier-2',
  outcome: null,
  acknowledgedAt: null,
  escalatedAt: null,
  techAcknowledgedAt: null,
  decidedAt: null,
  title: id,
  threadUrl: null,
  ...fields,
});

describe('summary arithmetic', () => {
  it('median of odd and even counts, none for nothing', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('counts by tier and outcome, medians and worst cases, the follow-up list', () => {
    const end = T0 + 8 * HOUR;
    const t = summarise(
      [
        row('a', { acknowledgedAt: T0 + 2 * MIN, outcome: 'resolved', decidedAt: T0 + 10 * MIN }),
        row('b', { acknowledgedAt: T0 + 4 * MIN, outcome: 'workaround', decidedAt: T0 + 30 * MIN }),
        row('c', { acknowledgedAt: T0 + 6 * MIN, tier: 'tier-3', escalatedAt: T0 + 7 * MIN, techAcknowledgedAt: T0 + 10 * MIN, outcome: 'follow-up', decidedAt: T0 + HOUR }),
        row('d', { acknowledgedAt: T0 + 12 * MIN, tier: 'tier-3', escalatedAt: T0 + 13 * MIN }),
        row('e'),
        // Decided after the end: it was open when the event ended.
        row('f', { acknowledgedAt: T0 + MIN, outcome: 'resolved', decidedAt: end + MIN }),
        // Raised after the end: not counted.
        row('g', { raisedAt: end + 5 * MIN }),
      ],
      end,
    );
    expect(t.raised).toBe(6);
    expect(t.raisedAfterEnd).toBe(1);
    expect(t.byTier).toEqual({ 'tier-2': 4, 'tier-3': 2 });
    expect(t.byOutcome).toEqual({ resolved: 1, workaround: 1, 'follow-up': 1, open: 3 });
    expect(t.acknowledge).toEqual({ count: 5, missing: 1, medianMs: 4 * MIN, worstMs: 12 * MIN });
    expect(t.techAcknowledge).toEqual({ count: 1, missing: 1, medianMs: 3 * MIN, worstMs: 3 * MIN });
    expect(t.resolve).toEqual({ count: 2, missing: 0, medianMs: 20 * MIN, worstMs: 30 * MIN });
    expect(t.followUps.map((f) => [f.id, f.state])).toEqual([
      ['c', 'follow-up'],
      ['d', 'open'],
      ['e', 'open'],
      ['f', 'open'],
    ]);
  });

  it('reads tier and outcome from the search attributes, times and title from the memo', () => {
    const visible: VisibleWorkflow = {
      workflowId: 'gameday-issue:x',
      runId: 'r',
      status: 'COMPLETED',
      startTime: new Date(T0).toISOString(),
      closeTime: null,
      searchAttributes: { GamedayEvent: EVENT, GamedayTier: 'tier-3', GamedayOutcome: 'workaround' },
      memo: { gameday: { raisedAt: new Date(T0).toISOString(), acknowledgedAt: new Date(T0 + MIN).toISOString(), decidedAt: new Date(T0 + 9 * MIN).toISOString(), title: 'speaker · page /x: y', threadUrl: 'https://t' } },
    };
    expect(issueRow(visible)).toMatchObject({ tier: 'tier-3', outcome: 'workaround', acknowledgedAt: T0 + MIN, decidedAt: T0 + 9 * MIN, title: 'speaker · page /x: y', threadUrl: 'https://t' });
    // Without a memo (not yet visible): the search attributes and the start time still count it.
    expect(issueRow({ ...visible, memo: {}, searchAttributes: { GamedayOutcome: 'open' } })).toMatchObject({ tier: 'tier-2', outcome: null, raisedAt: T0, title: 'gameday-issue:x' });
  });

  it('durations people read', () => {
    expect(formatDuration(44_600)).toBe('45 s');
    expect(formatDuration(4 * MIN + 30_000)).toBe('4 min 30 s');
    expect(formatDuration(12 * MIN)).toBe('12 min');
    expect(formatDuration(65 * MIN)).toBe('1 h 05 min');
  });
});

describe('the live window', () => {
  const ev = eventView(EVENT, gamedayEvent(T0, T0 + 8 * HOUR));
  it('live from the start minus liveWindowMinutes (default 60) to the end', () => {
    expect(ev.liveWindowMinutes).toBe(60);
    expect(notLiveFlag(ev, T0 - 61 * MIN)).toBe('before-window');
    expect(notLiveFlag(ev, T0 - 60 * MIN)).toBeNull();
    expect(notLiveFlag(ev, T0 + 8 * HOUR)).toBeNull();
    expect(notLiveFlag(ev, T0 + 8 * HOUR + 1)).toBe('after-end');
    expect(notLiveFlag(eventView(EVENT, gamedayEvent(T0, T0 + HOUR, { liveWindowMinutes: 0 })), T0 - 1)).toBe('before-window');
  });
});

describe('event settings in the directory file', () => {
  it('the example directory configures the example event', async () => {
    const directory = await loadExampleDirectory();
    checkPlaybookSettings(directory, 'example');
    expect(Object.keys((directory.settings('gameday-issue') as { events: object }).events)).toEqual([EVENT]);
  });

  it('a bad event stops start-up naming every path', async () => {
    const base = await loadExampleDirectory();
    let error: unknown;
    try {
      withGamedayEvents(base, { [EVENT]: gamedayEvent(T0, T0 - HOUR, { channel: 'no-such-channel', responseGroup: 'nobody', lead: 'ghost', timeZone: 'Mars/Olympus', clientTeam: ['ghost-2'] }) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DirectoryError);
    for (const path of ['end: must be after start', 'timeZone: unknown IANA time zone', "channel: unknown channel 'no-such-channel'", "responseGroup: unknown group 'nobody'", "lead: unknown person 'ghost'", "clientTeam/0: unknown person 'ghost-2'"]) {
      expect((error as Error).message).toContain(`/playbooks/gameday-issue/events/${EVENT}/${path}`);
    }
    expect(() => withGamedayEvents(base, { [EVENT]: { ...gamedayEvent(T0, T0 + HOUR), ackMinutes: 0 } })).toThrowError(/ackMinutes/);
    expect(() => withGamedayEvents(base, { [EVENT]: { ...gamedayEvent(T0, T0 + HOUR), start: '2026-02-30T10:00:00Z' } })).toThrowError(/events\/northwind-summit-2026\/start/);
  });

  it('a section for a playbook that does not exist is refused', async () => {
    const directory = await loadExampleDirectory();
    directory.data.playbooks['no-such-playbook'] = {};
    expect(() => checkPlaybookSettings(directory, 'x')).toThrowError(/\/playbooks\/no-such-playbook: no playbook is named/);
  });
});

describe('issue input checks beyond the schema', () => {
  const def = playbooks['gameday-issue']!;
  it('the event must be configured, the raiser on its client team, and where it happens said', async () => {
    const directory = withGamedayEvents(await loadExampleDirectory(), { [EVENT]: gamedayEvent(T0, T0 + HOUR) });
    const check = (overrides: Record<string, unknown>) => def.check({ ...gamedayIssueInput(T0), ...overrides } as never, directory);
    expect(check({})).toEqual([]);
    expect(check({ event: 'other-event' })).toEqual([{ field: '/event', message: `unknown event 'other-event'; configured: ${EVENT}` }]);
    expect(check({ raisedBy: 'csm' })[0]).toMatchObject({ field: '/raisedBy', message: expect.stringContaining('not on the client team') });
    expect(check({ raisedBy: 'nobody-here' })[0]).toMatchObject({ field: '/raisedBy', message: "unknown person 'nobody-here' in the directory" });
    expect(check({ session: undefined, page: undefined })[0]).toMatchObject({ field: '/session' });
    expect(check({ session: undefined, page: '/expo-hall' })).toEqual([]);
  });

  it('its business key: the help-chat reference, else raiser, who is affected and since when', () => {
    const input = gamedayIssueInput(T0, { reference: 'SL-1' });
    expect(def.businessKey(input as never)).toBe(`${EVENT}-SL-1`);
    expect(def.businessKey({ ...input, reference: undefined } as never)).toBe(`${EVENT}-client-event-host-speaker-20261123T150000Z`);
  });

  it('takes the reporter the API sets from the credential (reportedBy), and nothing else unknown', () => {
    // Checked as of a minute after T0: `since` must lie in the last 30 days, and T0 is a fixed date
    // (run in real time, this failed on `/since` from 23 Dec 2026 on).
    const errors = (input: Record<string, unknown>) => atInstant(T0 + MIN, () => schemaErrors(def.inputSchema, input));
    expect(errors({ ...gamedayIssueInput(T0), reportedBy: 'tool:help-desk on behalf of client-event-host' })).toEqual([]);
    expect(errors({ ...gamedayIssueInput(T0), reportedBy: '' })).toEqual([expect.objectContaining({ field: '/reportedBy' })]);
    expect(errors({ ...gamedayIssueInput(T0), raisedVia: 'x' })).toEqual([expect.objectContaining({ field: '/raisedVia' })]);
  });

  it('the example input is valid for the example event', async () => {
    const directory = await loadExampleDirectory();
    checkPlaybookSettings(directory, 'example');
    expect(def.check(def.example!(Date.now()) as never, directory)).toEqual([]);
  });
});

describe('list filters a playbook declares', () => {
  it('become query parameters, and conditions on their search attributes', () => {
    expect(Object.keys(listFilterProperties(playbooks))).toEqual(expect.arrayContaining(['event', 'tier', 'outcome']));
    expect(listConditions(playbooks, { playbook: 'gameday-issue', event: EVENT, outcome: 'open' })).toEqual([
      { searchAttribute: 'GamedayEvent', value: EVENT },
      { searchAttribute: 'GamedayOutcome', value: 'open' },
    ]);
    expect(listConditions(playbooks, { playbook: 'live-delivery', status: 'delivered' })).toEqual([]);
  });

  it('a filter without its playbook, or with a value off its pattern, is a 400 naming the parameter', () => {
    const problem = (query: Record<string, unknown>) => {
      try {
        listConditions(playbooks, query);
      } catch (err) {
        return err as { status: number; errors: { in: string; field: string; message: string }[] };
      }
      throw new Error('expected a problem');
    };
    expect(problem({ event: EVENT })).toMatchObject({ status: 400, errors: [{ in: 'query', field: '/event', message: 'filters gameday-issue escalations: add playbook=gameday-issue' }] });
    expect(problem({ playbook: 'live-delivery', event: EVENT }).errors[0]!.field).toBe('/event');
    expect(problem({ playbook: 'gameday-issue', event: 'Bad Value"' }).errors[0]).toMatchObject({ field: '/event', message: expect.stringContaining('must match') });
    expect(problem({ playbook: 'gameday-issue', tier: 'tier-9' }).errors[0]!.field).toBe('/tier');
  });
});

it('the workflow types named in codes.ts are the workflow functions', () => {
  expect(gamedayIssue.name).toBe(ISSUE_WORKFLOW_TYPE);
  expect(gamedaySummary.name).toBe(SUMMARY_WORKFLOW_TYPE);
});

it('the event types in codes.ts (closed by the follow-up deadline) are the contract\'s', () => {
  expect([...GAMEDAY_EVENT_TYPES].sort()).toEqual(Object.keys(gamedayIssueEvents).sort());
});
