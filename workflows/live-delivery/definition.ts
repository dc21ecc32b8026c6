// live-delivery: what the API knows about the playbook besides its contract: the business key that
// makes starting it idempotent, the summary and business time for the Web UI, the input checks.
import { checkPeople, checkTimeZones } from '../kit/contract.js';
import { definePlaybook } from '../kit/playbook.js';
import { liveDeliveryAccess } from './access.js';
import { LIVE_DELIVERY_DIRECTORY } from './codes.js';
import { contractNow } from '../kit/schemas/settings.js';
import { localTime } from '../kit/time.js';
import { LIVE_DELIVERY_OUTCOMES, LIVE_DELIVERY_STATUSES, LIVE_DELIVERY_TEMPLATES, liveDeliveryEvents, LiveDeliveryInput } from './contract.js';

/**
 * How long before the session start an issue may be reported (issue 17 item 19): a no-show cannot
 * precede the start, and an issue reported a day early is a wrong date, not an emergency. Within
 * this window the escalation opens at once (the owner is tagged) and its calls begin at the start.
 */
export const EARLIEST_REPORT_BEFORE_START_MS = 30 * 60_000;

/** Why each issue type cannot be reported earlier than the window allows (its own reason, named in the 400). */
const TOO_EARLY_WHY: Record<LiveDeliveryInput['issueType'], string> = {
  'facilitator-no-show': 'a facilitator no-show cannot precede the start',
  'participant-no-show': 'a participant no-show cannot precede the start',
  'tech-issue': 'a tech issue reported earlier is a wrong date, not an emergency of this session',
};

export default definePlaybook<LiveDeliveryInput>({
  name: 'live-delivery',
  title: 'Live delivery troubleshooting',
  description:
    'A live training session is going wrong (facilitator no-show, participant no-show, tech issue): the booking owner is tagged in ' +
    'the bookings-emergencies channel, the desk works the issue against deadlines relative to the session start, the client is ' +
    'phoned first and emailed when unreachable or the session cannot go ahead, and the owner gets the whole timeline afterwards.',
  inputSchema: LiveDeliveryInput,
  events: liveDeliveryEvents,
  statuses: LIVE_DELIVERY_STATUSES,
  outcomes: LIVE_DELIVERY_OUTCOMES,
  templates: LIVE_DELIVERY_TEMPLATES,
  directory: { channels: { [LIVE_DELIVERY_DIRECTORY.emergencyChannel]: 'the booking owner is tagged and the desk works in its thread' } },
  /** One escalation per booking and issue type. */
  businessKey: (input) => `${input.booking.id}-${input.issueType}`,
  businessTime: (input) => new Date(input.booking.startTime),
  access: liveDeliveryAccess,
  /** What an operator scans for: issue type, session, booking, start in the session's zone. */
  summary: (input) =>
    `${input.issueType}: "${input.booking.sessionTitle}" (booking ${input.booking.id}), start ${localTime(input.booking.startTime, input.booking.timeZone)}`,
  check(input, directory) {
    const errors = checkPeople(directory, { '/bookingOwner': input.bookingOwner, '/portfolioTeamLead': input.portfolioTeamLead });
    errors.push(...checkTimeZones({ '/booking/timeZone': input.booking.timeZone }));
    if (input.techIssueReportedAt && input.issueType !== 'tech-issue') {
      errors.push({ field: '/techIssueReportedAt', message: 'only for issueType tech-issue' });
    }
    if (input.techIssueCause && input.issueType !== 'tech-issue') {
      errors.push({ field: '/techIssueCause', message: 'only for issueType tech-issue' });
    }
    const start = Date.parse(input.booking.startTime);
    const earliest = start - EARLIEST_REPORT_BEFORE_START_MS;
    if (contractNow() < earliest) {
      errors.push({
        field: '/booking/startTime',
        message:
          `the session starts ${input.booking.startTime}: a ${input.issueType} is reported from ${EARLIEST_REPORT_BEFORE_START_MS / 60_000} ` +
          `minutes before the start (from ${new Date(earliest).toISOString()}); ${TOO_EARLY_WHY[input.issueType]}`,
      });
    }
    return errors;
  },
  /** A facilitator no-show for a session that started at the last full five minutes (the desk reports at the start). */
  example: (now) => ({
    booking: {
      id: 'B-1001',
      sessionTitle: 'Leading Essentials',
      sessionFormat: 'Virtual Workout',
      startTime: new Date(Math.floor(now / 300_000) * 300_000).toISOString().replace('.000Z', 'Z'),
      timeZone: 'America/Chicago',
      sessionLink: 'https://meet.example.com/leading-essentials',
    },
    bookingOwner: 'booking-owner',
    portfolioTeamLead: 'portfolio-team-lead',
    siteContact: { name: 'Dana Client', email: 'dana.client@example.org' },
    facilitator: { name: 'Alex Facilitator', phone: '+1 555 0142' },
    issueType: 'facilitator-no-show',
    reportedBy: 'desk-agent',
    callRetryMinutes: 5,
  }),
});
