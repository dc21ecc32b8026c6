// The directory is checked against every playbook at start-up (issue 17 item 17): a group a playbook
// tags without a Slack user-group id (e.g. accounting), a member of a group it invites without a
// Slack user id, or a channel it posts to that is missing stops start-up naming the entry; a person
// an escalation's input names whom the playbook tags needs a Slack id too (400 naming the field).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { directoryGaps } from '../../src/directory-check.js';
import { parseDirectory, type Directory } from '../../src/directory.js';
import { checkPlaybookSettings, playbooks } from '../../src/playbooks.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';

let example: Directory;
beforeAll(async () => {
  example = await loadExampleDirectory();
});

type Data = { people: Record<string, Record<string, unknown>>; groups: Record<string, Record<string, unknown>>; channels: Record<string, unknown> };
const edited = (edit: (data: Data) => void): Directory => {
  const data = structuredClone(example.data) as unknown as Data;
  edit(data);
  return parseDirectory(data);
};

describe('directory against the playbooks', () => {
  it('the example directory serves every playbook', () => {
    expect(directoryGaps(example, Object.values(playbooks))).toEqual([]);
  });

  it('a tagged group without a Slack user-group id, an invited member without a Slack id and a missing channel are each named', () => {
    const directory = edited((d) => {
      delete d.groups['accounting']!.slackUserGroupId;
      delete d.people['fmc-specialist']!.slackUserId;
      delete d.channels['finance-approvals'];
    });
    expect(directoryGaps(directory, Object.values(playbooks))).toEqual([
      "/channels/finance-approvals: missing; playbook 'account-escalation' posts there (resolution offers go to accounting for approval here)",
      "/groups/accounting/slackUserGroupId: missing; playbook 'account-escalation' tags the group (tagged on resolution offers that need finance approval) and '@accounting' without an id pings nobody",
      "/people/fmc-specialist/slackUserId: missing; member of group 'fmc-team', which playbook 'account-escalation' invites (invited to the escalation channel of an FMC account)",
    ]);
    const gone = edited((d) => {
      delete d.groups['fmc-team'];
      delete d.channels['bookings-emergencies'];
    });
    expect(directoryGaps(gone, Object.values(playbooks))).toEqual([
      "/channels/bookings-emergencies: missing; playbook 'live-delivery' posts there (the booking owner is tagged and the desk works in its thread)",
      "/groups/fmc-team: missing; playbook 'account-escalation' invites its members (invited to the escalation channel of an FMC account)",
    ]);
  });

  // Issue 17 item 17, every playbook: client-call tags whichever team the input names (and mentions and
  // DMs its managers), tech-incident DMs its social-media colleague by key.
  it("a team without a Slack user-group id, a team manager without a Slack id and a person a playbook tags by key are each named", () => {
    const directory = edited((d) => {
      delete d.groups['client-services']!.slackUserGroupId;
      delete d.people['client-services-director']!.slackUserId;
      delete d.people['social-media-agent']!.slackUserId;
    });
    expect(directoryGaps(directory, Object.values(playbooks))).toEqual([
      "/people/social-media-agent/slackUserId: missing; playbook 'tech-incident' tags them (DMed the community-groups check when the reporting agent is not trained for social-media support) and a mention without one pings nobody",
      "/groups/client-services/slackUserGroupId: missing; team 'client-services' (a group with a channel), which playbook 'client-call' tags (the team of the client's usual contact is tagged to take the call, and its managers are asked when nobody takes it in time), and '@client-services' without an id pings nobody",
      "/people/client-services-director/slackUserId: missing; manager of team 'client-services', whom playbook 'client-call' tags (the team of the client's usual contact is tagged to take the call, and its managers are asked when nobody takes it in time)",
    ]);
    const gone = edited((d) => {
      delete d.people['social-media-agent'];
      for (const g of Object.values(d.groups)) g.members = (g.members as string[]).filter((m) => m !== 'social-media-agent');
    });
    expect(directoryGaps(gone, Object.values(playbooks))).toContain(
      "/people/social-media-agent: missing; playbook 'tech-incident' tags them (DMed the community-groups check when the reporting agent is not trained for social-media support)",
    );
  });

  it('every playbook declares the directory entries its Slack texts name by key', () => {
    // A playbook that mentions, DMs or tags a fixed directory key must declare it, so the check above covers it.
    expect(playbooks['client-call']!.directory.teams).toBeTruthy();
    expect(Object.keys(playbooks['tech-incident']!.directory.people ?? {})).toContain('social-media-agent');
    expect(Object.keys(playbooks['tech-incident']!.directory.taggedGroups ?? {})).toContain('on-call');
    expect(Object.keys(playbooks['account-escalation']!.directory.taggedGroups ?? {})).toContain('accounting');
  });

  it('loadConfig fails naming a team without a Slack user-group id (client-call)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'directory-check-'));
    const file = join(dir, 'directory.yaml');
    const data = structuredClone(example.data) as unknown as Data;
    delete data.groups['client-services']!.slackUserGroupId;
    writeFileSync(file, stringify(data));
    await expect(loadConfig({ DIRECTORY_FILE: file })).rejects.toThrow(/\/groups\/client-services\/slackUserGroupId: missing; team 'client-services'/);
  });

  it("a group a playbook's settings tag (a gameday event's response group) needs a Slack user-group id too", () => {
    const directory = edited((d) => {
      delete d.groups['client-success']!.slackUserGroupId;
    });
    expect(() => checkPlaybookSettings(directory, 'directory.yaml')).toThrow(
      "/playbooks/gameday-issue/events/northwind-summit-2026/responseGroup: group 'client-success' has no slackUserGroupId in the directory",
    );
    expect(() => checkPlaybookSettings(edited(() => undefined), 'directory.yaml')).not.toThrow();
  });

  it('loadConfig (API, worker and all-in-one start-up) fails naming the group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'directory-check-'));
    const file = join(dir, 'directory.yaml');
    const data = structuredClone(example.data) as unknown as Data;
    delete data.groups['accounting']!.slackUserGroupId;
    writeFileSync(file, stringify(data));
    await expect(loadConfig({ DIRECTORY_FILE: file })).rejects.toThrow(/\/groups\/accounting\/slackUserGroupId: missing; playbook 'account-escalation' tags the group/);
    // The process itself stops with that message and a non-zero exit, before anything starts.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/api-main.ts'], {
      cwd: root,
      env: { ...process.env, DIRECTORY_FILE: file, PORT: '0', TEMPORAL_ADDRESS: '127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("/groups/accounting/slackUserGroupId: missing; playbook 'account-escalation' tags the group");
  });

  it('an input naming a tagged person without a Slack id is refused, naming the field', () => {
    const directory = edited((d) => {
      delete d.people['cs-team-lead']!.slackUserId;
    });
    const errors = playbooks['account-escalation']!.check(accountEscalationInput(Date.now()) as never, directory);
    expect(errors).toEqual([
      {
        field: '/teamLead',
        message: "person 'cs-team-lead' has no slackUserId in the directory: the playbook tags them in Slack, and a mention without one pings nobody",
      },
    ]);
  });

  it('business calendars: a country or state date-holidays does not know, or a person naming an unknown calendar, fails at load', () => {
    const data = () => structuredClone(example.data) as unknown as Data & { calendars: Record<string, Record<string, unknown>> };
    const badState = data();
    badState.calendars['us-illinois']!.state = 'XX';
    expect(() => parseDirectory(badState)).toThrow("/calendars/us-illinois: unknown state 'XX' of US");
    const badCountry = data();
    badCountry.calendars['de-berlin']!.country = 'QQ';
    expect(() => parseDirectory(badCountry)).toThrow("/calendars/de-berlin: unknown country 'QQ'");
    const badRef = data();
    badRef.people['csm']!.calendar = 'mars';
    expect(() => parseDirectory(badRef)).toThrow("/people/csm/calendar: unknown calendar 'mars'");
    expect(example.calendarOf('csm')).toBe('us-illinois');
  });
});
