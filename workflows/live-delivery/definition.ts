// live-delivery: what the API knows about the playbook besides its contract: the business key that
// makes starting it idempotent, the summary and business time for the Web UI, the input checks.
import { checkPeople, checkTimeZones } from '../kit/contract.js';
import { definePlaybook } from '../kit/playbook.js';
import { LIVE_DELIVERY_OUTCOMES, LIVE_DELIVERY_STATUSES, LIVE_DELIVERY_TEMPLATES, liveDeliveryEvents, LiveDeliveryInput } from './contract.js';

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
  /** One escalation per booking and issue type. */
  businessKey: (input) => `${input.booking.id}-${input.issueType}`,
  businessTime: (input) => new Date(input.booking.startTime),
  summary: (input) => `${input.issueType}: "${input.booking.sessionTitle}" (booking ${input.booking.id}) starting ${input.booking.startTime}`,
  check(input, directory) {
    const errors = checkPeople(directory, { '/bookingOwner': input.bookingOwner, '/portfolioTeamLead': input.portfolioTeamLead });
    errors.push(...checkTimeZones({ '/booking/timeZone': input.booking.timeZone }));
    if (input.techIssueReportedAt && input.issueType !== 'tech-issue') {
      errors.push({ field: '/techIssueReportedAt', message: 'only for issueType tech-issue' });
    }
    return errors;
  },
});
