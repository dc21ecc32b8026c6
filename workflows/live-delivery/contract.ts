// live-delivery (seed 000): a live training session going wrong, escalated by the support desk.
// The contract: input and event schemas (TypeBox), their static types, statuses, outcomes, the
// state's details, directory keys, email templates and the typed messages. Pure: the API imports it
// as values, the workflow as types only.
import { Type, type Static } from 'typebox';
import { Contact, defineEvent, DirectoryRef, EmailAddress, Instant, Line, Link, Locale, Text, type EventsOf } from '../kit/contract.js';
import { escalationMessages } from '../kit/messages.js';
import type { EscalationState } from '../kit/state.js';
import { LIVE_DELIVERY_DIRECTORY } from './codes.js';

export { LIVE_DELIVERY_DIRECTORY };

/** Where a technical issue came from (seed 000: a service-recovery ticket only "if the session did not go ahead due to MG issue"). */
export const TechIssueCause = Type.Union([Type.Literal('provider'), Type.Literal('client')], {
  description: "provider: our side (facilitator, our platform or connection): a service-recovery ticket is raised if the session fails; client: the client's systems or network: no ticket",
});
export type TechIssueCause = Static<typeof TechIssueCause>;

export const IssueType = Type.Union(
  [Type.Literal('facilitator-no-show'), Type.Literal('participant-no-show'), Type.Literal('tech-issue')],
  { description: 'What went wrong' },
);
export type IssueType = Static<typeof IssueType>;

export const LiveDeliveryInput = Type.Object(
  {
    booking: Type.Object(
      {
        id: Line({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description: 'Booking id in the booking system' }),
        sessionTitle: Line({ minLength: 1, maxLength: 200 }),
        sessionFormat: Line({ minLength: 1, maxLength: 100, default: 'Virtual Workout' }),
        startTime: Instant({ description: 'Session start', window: 'business' }),
        timeZone: Line({ minLength: 1, description: "IANA time zone of the client's session, e.g. America/Chicago" }),
        sessionLink: Type.Optional(Link({ description: 'Link participants join the session with' })),
      },
      { additionalProperties: false },
    ),
    bookingOwner: DirectoryRef('Booking owner'),
    portfolioTeamLead: DirectoryRef('Portfolio team lead'),
    siteContact: Contact,
    facilitator: Type.Object(
      {
        name: Line({ minLength: 1, maxLength: 200 }),
        email: Type.Optional(EmailAddress()),
        phone: Type.Optional(Line({ minLength: 3, maxLength: 40 })),
      },
      { additionalProperties: false },
    ),
    issueType: IssueType,
    reportedBy: Type.Optional(Line({ minLength: 1, maxLength: 200, description: 'Desk agent (name or directory key)' })),
    techIssueReportedAt: Type.Optional(
      Instant({
        description: 'Tech issue mid-session: when it was reported; the 15 minutes count from here instead of the start',
        window: 'happened',
      }),
    ),
    techIssueCause: Type.Optional(TechIssueCause),
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

export const liveDeliveryEvents = {
  'owner-acknowledged': defineEvent('owner-acknowledged', 'The booking owner responded in the emergencies channel (all issue types)', {
    takeOver: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'true: the owner handles the client from here on (the desk sends no client email); false: the owner is online but the desk goes on, and client emails name the owner instead of saying they are out of the office',
      }),
    ),
  }),
  'facilitator-reached': defineEvent(
    'facilitator-reached',
    'The desk reached the facilitator by phone but they are not online yet (facilitator no-show): the desk then decides with late-facilitator; nothing is cancelled automatically while that decision is pending',
    { eta: Type.Optional(Line({ maxLength: 200, description: 'When the facilitator expects to be online, as they said it (e.g. "20 minutes")' })) },
  ),
  'facilitator-no-answer': defineEvent('facilitator-no-answer', 'A call to the facilitator went unanswered (facilitator no-show)'),
  'facilitator-arrived': defineEvent('facilitator-arrived', 'The facilitator is online (facilitator no-show)'),
  'late-facilitator': defineEvent(
    'late-facilitator',
    "The desk's decision on a facilitator who was reached but is not online (facilitator no-show): wait for them, or call the session off",
    {
      decision: Type.Union([Type.Literal('wait'), Type.Literal('call-off')], {
        description: 'wait: the session waits for the facilitator (facilitator-arrived, or call-off later); call-off: the session cannot go ahead',
      }),
    },
  ),
  'client-reached': defineEvent('client-reached', 'The desk reached the client contact by phone (participant no-show)', {
    participants: Type.Union([Type.Literal('still-expected'), Type.Literal('not-coming'), Type.Literal('cancel')], {
      description: 'What the client said on the phone',
    }),
  }),
  'client-informed': defineEvent(
    'client-informed',
    'The desk told the client contact on the phone that the session cannot go ahead (facilitator no-show, tech issue, participant no-show at the cutoff): the email follows as the written record of the call',
  ),
  'client-unreachable': defineEvent(
    'client-unreachable',
    'The client contact did not answer the phone: they are emailed instead (participant no-show: template 2 before the cutoff, template 4 on the call after it; facilitator no-show and tech issue: the cancellation email)',
  ),
  'details-mismatch': defineEvent(
    'details-mismatch',
    "The client's session time or link differs from ours (participant no-show): at least one of the two",
    {
      clientStartTime: Type.Optional(Instant({ description: 'The session start the client has', window: 'business' })),
      clientSessionLink: Type.Optional(Link({ description: 'The session link the client has' })),
    },
    // An empty mismatch says nothing: one of the two fields is required (issue 17 item 20).
    { anyOf: [{ required: ['clientStartTime'] }, { required: ['clientSessionLink'] }] },
  ),
  'participants-arrived': defineEvent('participants-arrived', 'Participants joined (participant no-show)', {
    count: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  'tech-issue-cause': defineEvent('tech-issue-cause', 'Where the technical issue comes from (tech issue), as far as the desk knows', {
    cause: TechIssueCause,
  }),
  'tech-resolved': defineEvent('tech-resolved', 'The technical issue is fixed; the session goes on (tech issue)'),
  'session-ended-early': defineEvent('session-ended-early', 'The session could not be delivered in full (tech issue)', {
    reason: Type.Optional(Text({ maxLength: 2000 })),
    cause: Type.Optional(TechIssueCause),
  }),
};

export type LiveDeliveryEvent = EventsOf<typeof liveDeliveryEvents>;

/** awaiting-decision: the cutoff passed with a reached facilitator and no decision from the desk yet. */
export const LIVE_DELIVERY_STATUSES = ['awaiting-facilitator', 'awaiting-decision', 'awaiting-participants', 'troubleshooting', 'delivered', 'cancelled'] as const;
export type LiveDeliveryStatus = (typeof LIVE_DELIVERY_STATUSES)[number];

/**
 * delivered*: the session ran; cancelled-provider: it failed through our side (service-recovery
 * ticket raised); cancelled-client-side: a technical issue on the client's side (no ticket);
 * cancelled-client: the client called it off; cancelled-no-show: nobody joined.
 */
export const LIVE_DELIVERY_OUTCOMES = ['delivered', 'delivered-adapted', 'cancelled-provider', 'cancelled-client-side', 'cancelled-client', 'cancelled-no-show'] as const;
export type LiveDeliveryOutcome = (typeof LIVE_DELIVERY_OUTCOMES)[number];

export type LiveDeliveryClientAnswer = 'still-expected' | 'not-coming' | 'cancel';

/** The playbook's part of the state (`details`). */
export interface LiveDeliveryDetails {
  issueType: IssueType;
  bookingId: string;
  sessionTitle: string;
  sessionStart: string;
  timeZone: string;
  /** The desk follows the SOP until the booking owner takes over. */
  handledBy: 'desk' | 'owner';
  /** When the booking owner acknowledged (online), whether or not they took over. */
  ownerAcknowledgedAt: string | null;
  /** The desk agent who handled it last (the actor of the latest desk event): signs client emails. */
  deskAgent: string | null;
  facilitatorReachedAt: string | null;
  /** What the reached facilitator said about when they will be online. */
  facilitatorEta: string | null;
  /** The desk's decision on a reached facilitator who is not online (late-facilitator). */
  lateFacilitatorDecision: 'wait' | 'call-off' | null;
  facilitatorArrivedAt: string | null;
  clientReached: LiveDeliveryClientAnswer | null;
  clientUnreachableAt: string | null;
  /** How the client was told that the session cannot go ahead: phone (then the email as its record), email only, or by the owner. */
  clientInformed: 'phone' | 'email' | 'owner' | null;
  participantsArrivedAt: string | null;
  techResolvedAt: string | null;
  /** Where the technical issue came from; null: not recorded (counted as ours). */
  techCause: TechIssueCause | null;
  /** Client's view where it differs from the booking. */
  mismatches: { field: 'startTime' | 'sessionLink'; ours: string | null; theirs: string }[];
  /** The emergencies-channel post whose thread carries the updates. */
  thread: { channel: string; ts: string } | null;
  ticketId: string | null;
}

export type LiveDeliveryState = EscalationState<LiveDeliveryStatus, LiveDeliveryDetails>;

/** The client emails (seed 000's five templates), name -> when it is sent; MJML in templates/<locale>/. */
export const LIVE_DELIVERY_TEMPLATES = {
  'facilitator-no-show':
    'Facilitator has not arrived 15 minutes after the start and cannot be reached (or the desk called the session off): the session cannot go ahead and will be rescheduled. After the call telling the client, or when the client cannot be reached.',
  'participant-no-show':
    'No participants have joined and the client cannot be reached by phone: ask whether participants are still expected.',
  'session-cancelled-after-call':
    'Follow-up to a client phone call: confirms the session is not going ahead and loops in the Client Delivery partner.',
  'no-participants-cutoff':
    'Still no participants 30 minutes after the start: the session will not run and will be rescheduled. After the call telling the client, or when the client cannot be reached.',
  'tech-issue-cancelled':
    'Technical issues could not be resolved within 15 minutes of the start, of a mid-session report, or ended the session early: participants were sent away and the session will be rescheduled. After the call telling the client, or when the client cannot be reached.',
} as const;
export type LiveDeliveryTemplate = keyof typeof LIVE_DELIVERY_TEMPLATES;

/** The event update, signal and state query, typed for live-delivery. */
export const liveDeliveryMessages = escalationMessages<LiveDeliveryEvent, LiveDeliveryState>();
