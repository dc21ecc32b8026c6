// client-call: what the API knows about the playbook besides its contract: the business key that
// makes starting it idempotent, the summary, business time and search attributes for the Web UI,
// and the input checks (directory, team, contact details for the preferred channel).
import { checkPeople, checkTimeZones, type DirectoryLookup, type FieldError } from '../kit/contract.js';
import { definePlaybook } from '../kit/playbook.js';
import { assigneeKey, clientKey, severityKey } from '../kit/search-attributes.js';
import { clientCallAccess } from './access.js';
import { worstSeverity } from './codes.js';
import {
  CLIENT_CALL_OUTCOMES,
  CLIENT_CALL_STATUSES,
  CLIENT_CALL_TEMPLATES,
  clientCallEvents,
  ClientCallInput,
} from './contract.js';

/** `20261123T1705Z`: one escalation per account and call. */
function compactInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace(/00Z$/, 'Z');
}

const issuesOf = (input: ClientCallInput) => [input.issue, ...(input.otherIssues ?? [])];

/** The team the call goes to: the one named, or the usual contact's only team. */
function checkTeam(input: ClientCallInput, directory: DirectoryLookup): FieldError[] {
  if (input.team !== undefined) {
    const team = directory.team(input.team);
    if (!team) return [{ field: '/team', message: `'${input.team}' is not a team in the directory (a group with a channel)` }];
    if (team.managers.length === 0) return [{ field: '/team', message: `team '${input.team}' has no managers in the directory to escalate to` }];
    return [];
  }
  if (!directory.hasPerson(input.usualContact)) return [];
  const teams = directory.teamsOf(input.usualContact);
  if (teams.length === 0) {
    return [{ field: '/usualContact', message: `'${input.usualContact}' is in no team (a directory group with a channel); name the team in /team` }];
  }
  if (teams.length > 1) {
    return [{ field: '/team', message: `'${input.usualContact}' is in several teams (${teams.join(', ')}): name one` }];
  }
  if (directory.team(teams[0]!)!.managers.length === 0) {
    return [{ field: '/usualContact', message: `team '${teams[0]}' of '${input.usualContact}' has no managers in the directory to escalate to` }];
  }
  return [];
}

export default definePlaybook<ClientCallInput>({
  name: 'client-call',
  title: 'Client call while the usual contact is away',
  description:
    "A distressed client's call taken while their usual contact is away: the usual contact's team is asked who takes it (the " +
    "team's managers when nobody does in time), earlier escalations of the same client are listed, the client is updated by " +
    'their preferred channel (cause and plan, estimate, roadblocks) and the assignee reminded when no update went out for a ' +
    'while; after the resolution the client is asked whether they are satisfied, the team reviews the root cause and documents ' +
    'the fix, and the usual contact gets the whole story when they are back.',
  inputSchema: ClientCallInput,
  events: clientCallEvents,
  statuses: CLIENT_CALL_STATUSES,
  outcomes: CLIENT_CALL_OUTCOMES,
  templates: CLIENT_CALL_TEMPLATES,
  access: clientCallAccess,
  // The team comes from the input (usualContact, team), so any team may be the one: its group is
  // tagged in the call post and its managers are mentioned and DMed when nobody takes the call.
  directory: {
    teams: "the team of the client's usual contact is tagged to take the call, and its managers are asked when nobody takes it in time",
  },
  businessKey: (input) => `${input.client.accountId}-${compactInstant(input.callAt)}`,
  businessTime: (input) => new Date(input.callAt),
  summary: (input) => {
    const issues = issuesOf(input);
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
    return `${input.client.accountName} (${input.client.accountId}): ${input.issue.summary}${more}, ${worstSeverity(issues.map((i) => i.severity))}`;
  },
  // No personal data: the account id, the severity and (once taken) the assignee's directory key.
  searchAttributes: (input) => [
    { key: clientKey, value: input.client.accountId },
    { key: severityKey, value: worstSeverity(issuesOf(input).map((i) => i.severity)) },
  ],
  searchAttributeKeys: [clientKey, severityKey, assigneeKey],
  check(input, directory) {
    const people: Record<string, string> = { '/usualContact': input.usualContact };
    if (input.takenBy) people['/takenBy'] = input.takenBy;
    const errors = checkPeople(directory, people);
    errors.push(...checkTeam(input, directory));
    errors.push(...checkTimeZones({ '/client/timeZone': input.client.timeZone }));
    if (input.preferredContact === 'email' && !input.client.email) {
      errors.push({ field: '/client/email', message: 'required: the preferred contact is email' });
    }
    if (input.preferredContact === 'phone' && !input.client.phone) {
      errors.push({ field: '/client/phone', message: 'required: the preferred contact is phone' });
    }
    return errors;
  },
  /** A critical call that came in ten minutes ago, the client preferring email. */
  example: (now) => ({
    callAt: new Date(Math.floor(now / 60_000) * 60_000 - 10 * 60_000).toISOString().replace('.000Z', 'Z'),
    takenBy: 'desk-agent',
    client: {
      accountId: 'ACME-1001',
      accountName: 'Example Health Clinics',
      callerName: 'Dana Client',
      email: 'dana.client@example.org',
      phone: '+49 30 5550199',
      timeZone: 'Europe/Berlin',
    },
    preferredContact: 'email',
    usualContact: 'account-manager',
    issue: {
      summary: 'Learners cannot sign in to the course portal',
      description: 'Since this morning every learner gets "session expired" right after signing in.',
      desiredFix: 'Learners can sign in and finish the compliance course due Friday',
      impact: 'About 300 nurses cannot complete mandatory training',
      severity: 'critical',
      criticalToBusiness: true,
      timeframe: 'today',
      timeSensitive: true,
    },
    locale: 'en',
  }),
});
