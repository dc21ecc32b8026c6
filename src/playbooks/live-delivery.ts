// live-delivery (seed 000): a live training session going wrong, escalated by the support desk.
import { Type, type Static } from 'typebox';
import type { Directory } from '../directory.js';
import { checkPeople, Contact, DirectoryRef, EventBase, isValidTimeZone, Locale } from './shared.js';
import type { FieldError, PlaybookDefinition } from './types.js';

export const IssueType = Type.Union([Type.Literal('facilitator-no-show')], {
  description: 'What went wrong',
});

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
    reportedBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    locale: Type.Optional(Locale),
  },
  { additionalProperties: false },
);
export type LiveDeliveryInput = Static<typeof LiveDeliveryInput>;

export const FacilitatorArrived = Type.Object(
  { type: Type.Literal('facilitator-arrived'), ...EventBase },
  { additionalProperties: false },
);

export type LiveDeliveryEvent = Static<typeof FacilitatorArrived>;

export const liveDelivery: PlaybookDefinition = {
  name: 'live-delivery',
  title: 'Live delivery troubleshooting',
  description:
    'A live training session is going wrong: the booking owner is tagged in the bookings-emergencies channel, ' +
    'the desk works the issue against deadlines relative to the session start, and the client is emailed when it cannot go ahead.',
  workflowType: 'liveDelivery',
  inputSchema: LiveDeliveryInput,
  events: { 'facilitator-arrived': FacilitatorArrived },
  businessKey: (input: LiveDeliveryInput) => `${input.booking.id}-${input.issueType}`,
  businessTime: (input: LiveDeliveryInput) => new Date(input.booking.startTime),
  summary: (input: LiveDeliveryInput) =>
    `${input.issueType}: "${input.booking.sessionTitle}" (booking ${input.booking.id}) starting ${input.booking.startTime}`,
  check(input: LiveDeliveryInput, directory: Directory): FieldError[] {
    const errors = checkPeople(directory, { '/bookingOwner': input.bookingOwner, '/portfolioTeamLead': input.portfolioTeamLead });
    if (!isValidTimeZone(input.booking.timeZone)) {
      errors.push({ field: '/booking/timeZone', message: `unknown IANA time zone '${input.booking.timeZone}'` });
    }
    return errors;
  },
};
