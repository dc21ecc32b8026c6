// tech-incident: what the API knows about the playbook besides its contract: start-or-join by the
// problem key (every report joins the escalation its key names), the deployment's settings (the
// threshold, the excluded categories, the delay reminder, the quiet period, the time zone), the
// summary and search attributes for the Web UI, the input checks.
import { Type, type Static } from 'typebox';
import { checkPeople, checkTimeZones, type FieldError } from '../kit/contract.js';
import { defineJoinPlaybook } from '../kit/playbook.js';
import { techIncidentAccess } from './access.js';
import { DEFAULT_EXCLUDED_CATEGORIES, normaliseProblemKey, problemKeyOf, TECH_INCIDENT_DIRECTORY } from './codes.js';
import {
  TECH_INCIDENT_OUTCOMES,
  TECH_INCIDENT_STATUSES,
  techIncidentEvents,
  TechIncidentReport,
  type TechIncidentOpening,
  type TechIncidentPolicy,
} from './contract.js';
import { criticalityKey, problemKeyKey } from './search-attributes.js';
import { DEFAULT_CRITICAL_ABOVE, DEFAULT_DELAY_REMINDER_MINUTES, DEFAULT_QUIET_DAYS, DEFAULT_TIME_ZONE } from './sop.js';

/** The deployment's settings: environment variables with their defaults (kit/playbook.ts `settings`). */
export const TechIncidentSettings = Type.Object({
  TECH_INCIDENT_CRITICAL_ABOVE: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: DEFAULT_CRITICAL_ABOVE,
    description: 'A problem is critical once MORE than this many distinct customers reported it (seed: more than 5)',
  }),
  TECH_INCIDENT_EXCLUDED_CATEGORIES: Type.String({
    pattern: '^\\s*([a-z0-9][a-z0-9-]*\\s*(,\\s*[a-z0-9][a-z0-9-]*\\s*)*)?$',
    default: DEFAULT_EXCLUDED_CATEGORIES.join(','),
    description: "Report categories refused with 422 (comma-separated; empty: none). Default the seed's application-error",
  }),
  TECH_INCIDENT_DELAY_REMINDER_MINUTES: Type.Integer({
    minimum: 5,
    maximum: 7 * 24 * 60,
    default: DEFAULT_DELAY_REMINDER_MINUTES,
    description: 'Minutes after the report that made it critical until reporting agents are reminded to tell their customers the fix is delayed (then again, at most 3 times)',
  }),
  TECH_INCIDENT_QUIET_DAYS: Type.Integer({
    minimum: 1,
    maximum: 90,
    default: DEFAULT_QUIET_DAYS,
    description: 'A single case closes after this many days without a new report',
  }),
  TECH_INCIDENT_TIME_ZONE: Type.String({ minLength: 1, default: DEFAULT_TIME_ZONE, description: 'IANA time zone of the times the team reads' }),
});

export type TechIncidentSettings = Static<typeof TechIncidentSettings>;

export const excludedCategories = (settings?: TechIncidentSettings): string[] =>
  (settings?.TECH_INCIDENT_EXCLUDED_CATEGORIES ?? DEFAULT_EXCLUDED_CATEGORIES.join(',')).split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');

export const policyOf = (settings: TechIncidentSettings): TechIncidentPolicy => ({
  criticalAbove: settings.TECH_INCIDENT_CRITICAL_ABOVE,
  delayReminderMinutes: settings.TECH_INCIDENT_DELAY_REMINDER_MINUTES,
  quietDays: settings.TECH_INCIDENT_QUIET_DAYS,
  timeZone: settings.TECH_INCIDENT_TIME_ZONE,
});

export default defineJoinPlaybook<TechIncidentReport, TechIncidentSettings, [TechIncidentOpening]>({
  name: 'tech-incident',
  title: 'Critical technical problem',
  description:
    'A technical problem customers report (member area, app, sync, login, content, checkout): every report of one problem joins one ' +
    'escalation and goes on the technical-cases tracking list. Up to 5 distinct customers it is a single case (the agent gets the ' +
    'customer-side checklist); the report that makes it more is critical at once: test in the test account, siren post with the facts ' +
    'tagging the on-call group, no reaction in 15 minutes -> phone the incident lead (on vacation or twice unanswered: the backup), ' +
    'community groups checked, status updates in the info channel, every reporting agent reminded to inform their customers. In German.',
  inputSchema: TechIncidentReport,
  events: techIncidentEvents,
  statuses: TECH_INCIDENT_STATUSES,
  outcomes: TECH_INCIDENT_OUTCOMES,
  templates: {},
  /** One escalation per problem: the normalised problem key (codes.ts `normaliseProblemKey`). */
  businessKey: (input) => problemKeyOf(input),
  businessTime: (input) => (input.occurredAt ? new Date(input.occurredAt) : undefined),
  summary: (input) => `Technical problem ${problemKeyOf(input)}: ${input.problem.slice(0, 120)}`,
  searchAttributes: (input) => [
    { key: problemKeyKey, value: problemKeyOf(input) },
    { key: criticalityKey, value: 'single-case' },
  ],
  searchAttributeKeys: [problemKeyKey, criticalityKey],
  envSettings: TechIncidentSettings,
  checkEnvSettings: (settings) =>
    checkTimeZones({ TECH_INCIDENT_TIME_ZONE: settings.TECH_INCIDENT_TIME_ZONE }).map((e) => ({ variable: e.field, message: e.message })),
  access: techIncidentAccess,
  directory: {
    channels: {
      [TECH_INCIDENT_DIRECTORY.channel]: 'the siren post tagging the on-call group goes here (its locale is the playbook language)',
      [TECH_INCIDENT_DIRECTORY.infoChannel]: "the incident lead's status updates go here",
    },
    taggedGroups: { [TECH_INCIDENT_DIRECTORY.onCallGroup]: 'tagged in the siren post' },
    people: {
      [TECH_INCIDENT_DIRECTORY.socialMediaAgent]: 'DMed the community-groups check when the reporting agent is not trained for social-media support',
    },
  },
  join: {
    startArgs: (input, settings): [TechIncidentOpening] => [{ problemKey: problemKeyOf(input), policy: policyOf(settings) }],
  },
  /** A report of a member-area error a customer saw ten minutes ago. */
  example: (now) => ({
    problemKey: 'member-area-502',
    ticket: 'GRV-10423',
    customerEmail: 'kunde@example.org',
    problem: 'Der Mitgliederbereich zeigt die Fehlermeldung 502',
    productArea: 'member-area',
    platform: 'ios-app',
    membershipTier: 'club',
    errorCode: '502',
    occurredAt: new Date(Math.floor(now / 60_000) * 60_000 - 10 * 60_000).toISOString().replace('.000Z', 'Z'),
    category: 'technical',
    reportedBy: 'support-agent',
  }),
  check(input, directory, settings) {
    const errors: FieldError[] = checkPeople(directory, { '/reportedBy': input.reportedBy });
    if (input.problemKey !== undefined && normaliseProblemKey(input.problemKey) === '') {
      errors.push({ field: '/problemKey', message: 'needs at least one letter or digit' });
    }
    if (excludedCategories(settings).includes(input.category)) {
      errors.push({
        field: '/category',
        rule: 'excluded-category',
        message:
          `category '${input.category}' is excluded from technical incidents (TECH_INCIDENT_EXCLUDED_CATEGORIES): seed 004 does not track ` +
          'application errors on the technical-cases list; handle the case as such. Nothing was started',
      });
    }
    return errors;
  },
});
