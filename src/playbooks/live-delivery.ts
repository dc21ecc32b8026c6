// live-delivery (seed 000): a live training session going wrong, escalated by the support desk.
import { Type, type Static, type TProperties } from 'typebox';
import type { Directory } from '../directory.js';
import { checkPeople, Contact, DirectoryRef, EventBase, isValidTimeZone, Locale } from './shared.js';
import type { FieldError, PlaybookDefinition } from './types.js';
import { liveDeliveryAccess } from './live-delivery-access.js';

export const IssueType = Type.Union(
  [Type.Literal('facilitator-no-show'), Type.Literal('participant-no-show'), Type.Literal('tech-issue')],
  { description: 'What went wrong' },
);
export type IssueType = Static<typeof IssueType>;

export const LiveDeliveryInput = Type.Object(
  {
    booking: Type.Object(
      {
        id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description: 'Booking id in the booking system' }),
        sessionTitle: Type.String({ minLength: 1, maxLength: 200 }),
        sessionFormat: Type.String({ minLength: 1, maxLength: 100, default: 'Virtual Workout' }),
        startTime: Type.String({ format: 'date-time', description: 'Session start, ISO 8601 with offset' }),
        timeZone: Type.String({ minLength: 1, description: "IANA time zone of the client's session, e.g. America/Chicago" }),
        sessionLink: Type.Optional(Type.String({ format: 'uri' })),
      },
      { additionalProperties: false },
    ),
    bookingOwner: DirectoryRef('Booking owner'),
    portfolioTeamLead: DirectoryRef('Portfolio team lead'),
    siteContact: Contact,
    facilitator: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        email: Type.Optional(Type.String({ format: 'email' })),
        phone: Type.Optional(Type.String({ minLength: 3, maxLength: 40 })),
      },
      { additionalProperties: false },
    ),
    issueType: IssueType,
    reportedBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Desk agent (name or directory key)' })),
    techIssueReportedAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Tech issue mid-session: when it was reported; the 15 minutes count from here instead of the start',
      }),
    ),
    callRetryMinutes: Type.Integer({
      minimum: 1,
      maximum: 60,
      default: 5,
      description: 'How often an unanswered call task is asked for again',
    }),
    locale: Type.Optional(Locale),
  },
  { additionalProperties: false },
);
export type LiveDeliveryInput = Static<typeof LiveDeliveryInput>;

const event = <T extends string, P extends TProperties = {}>(type: T, description: string, props?: P) =>
  Type.Object({ type: Type.Literal(type), ...EventBase, ...(props as P) }, { additionalProperties: false, description });

export const liveDeliveryEvents = {
  'owner-acknowledged': Type.Object(
    {
      type: Type.Literal('owner-acknowledged'),
      ...EventBase,
      takeOver: Type.Optional(Type.Boolean({ default: true, description: 'The owner handles the client from here on' })),
    },
    { additionalProperties: false, description: 'The booking owner responded in the emergencies channel (all issue types)' },
  ),
  'facilitator-reached': event('facilitator-reached', 'The desk reached the facilitator by phone (facilitator no-show)', {
    eta: Type.Optional(Type.String({ maxLength: 200 })),
  }),
  'facilitator-no-answer': event('facilitator-no-answer', 'A call to the facilitator went unanswered (facilitator no-show)'),
  'facilitator-arrived': event('facilitator-arrived', 'The facilitator is online (facilitator no-show)'),
  'client-reached': Type.Object(
    {
      type: Type.Literal('client-reached'),
      ...EventBase,
      participants: Type.Union([Type.Literal('still-expected'), Type.Literal('not-coming'), Type.Literal('cancel')], {
        description: 'What the client said on the phone',
      }),
    },
    { additionalProperties: false, description: 'The desk reached the client contact by phone (participant no-show)' },
  ),
  'client-unreachable': event('client-unreachable', 'The client contact did not answer the phone: they are emailed (participant no-show)'),
  'details-mismatch': Type.Object(
    {
      type: Type.Literal('details-mismatch'),
      ...EventBase,
      clientStartTime: Type.Optional(Type.String({ format: 'date-time' })),
      clientSessionLink: Type.Optional(Type.String({ format: 'uri' })),
    },
    {
      additionalProperties: false,
      minProperties: 2,
      description: "The client's session time or link differs from ours (participant no-show)",
    },
  ),
  'participants-arrived': Type.Object(
    { type: Type.Literal('participants-arrived'), ...EventBase, count: Type.Optional(Type.Integer({ minimum: 1 })) },
    { additionalProperties: false, description: 'Participants joined (participant no-show)' },
  ),
  'tech-resolved': event('tech-resolved', 'The technical issue is fixed; the session goes on (tech issue)'),
  'session-ended-early': event('session-ended-early', 'The session could not be delivered in full (tech issue)', {
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
};

export type LiveDeliveryEvent = {
  [K in keyof typeof liveDeliveryEvents]: Static<(typeof liveDeliveryEvents)[K]>;
}[keyof typeof liveDeliveryEvents];


export const liveDelivery: PlaybookDefinition = {
  name: 'live-delivery',
  title: 'Live delivery troubleshooting',
  description:
    'A live training session is going wrong (facilitator no-show, participant no-show, tech issue): the booking owner is tagged in ' +
    'the bookings-emergencies channel, the desk works the issue against deadlines relative to the session start, the client is ' +
    'phoned first and emailed when unreachable or the session cannot go ahead, and the owner gets the whole timeline afterwards.',
  workflowType: 'liveDelivery',
  inputSchema: LiveDeliveryInput,
  events: liveDeliveryEvents,
  businessKey: (input: LiveDeliveryInput) => `${input.booking.id}-${input.issueType}`,
  businessTime: (input: LiveDeliveryInput) => new Date(input.booking.startTime),
  summary: (input: LiveDeliveryInput) =>
    `${input.issueType}: "${input.booking.sessionTitle}" (booking ${input.booking.id}) starting ${input.booking.startTime}`,
  access: liveDeliveryAccess as PlaybookDefinition['access'],
  check(input: LiveDeliveryInput, directory: Directory): FieldError[] {
    const errors = checkPeople(directory, { '/bookingOwner': input.bookingOwner, '/portfolioTeamLead': input.portfolioTeamLead });
    if (!isValidTimeZone(input.booking.timeZone)) {
      errors.push({ field: '/booking/timeZone', message: `unknown IANA time zone '${input.booking.timeZone}'` });
    }
    if (input.techIssueReportedAt && input.issueType !== 'tech-issue') {
      errors.push({ field: '/techIssueReportedAt', message: 'only for issueType tech-issue' });
    }
    return errors;
  },
};
