// What every live-delivery issue type shares: the escalation state, the emergencies-channel thread,
// client emails (left to the booking owner once they take over) and call requests.
import type { LiveDeliveryInput } from '../../src/playbooks/live-delivery.js';
import type { TemplateName } from '../../activities/email/templates.js';
import type { SlackButton } from '../../activities/slack-blocks.js';
import { callTask } from '../kit/call-task.js';
import { Escalation } from '../kit/escalation.js';
import { postSlack, sendEmail } from '../kit/notify.js';
import { localTime, minutes } from '../kit/time.js';

export type LiveDeliveryStatus =
  | 'awaiting-facilitator'
  | 'awaiting-participants'
  | 'troubleshooting'
  | 'delivered'
  | 'cancelled';

/** delivered*: the session ran; cancelled-provider: not through the client's fault (ticket raised). */
export type LiveDeliveryOutcome = 'delivered' | 'delivered-adapted' | 'cancelled-provider' | 'cancelled-client' | 'cancelled-no-show';

export interface LiveDeliveryDetails {
  issueType: LiveDeliveryInput['issueType'];
  bookingId: string;
  sessionTitle: string;
  sessionStart: string;
  timeZone: string;
  /** The desk follows the SOP until the booking owner takes over. */
  handledBy: 'desk' | 'owner';
  facilitatorReachedAt: string | null;
  facilitatorArrivedAt: string | null;
  clientReached: LiveDeliveryClientAnswer | null;
  clientUnreachableAt: string | null;
  participantsArrivedAt: string | null;
  techResolvedAt: string | null;
  /** Client's view where it differs from the booking. */
  mismatches: { field: 'startTime' | 'sessionLink'; ours: string | null; theirs: string }[];
  /** The emergencies-channel post whose thread carries the updates. */
  thread: { channel: string; ts: string } | null;
  ticketId: string | null;
}

export type LiveDeliveryClientAnswer = 'still-expected' | 'not-coming' | 'cancel';

export class LiveSession {
  readonly esc: Escalation<LiveDeliveryStatus, LiveDeliveryDetails>;
  readonly locale: 'en' | 'de';

  constructor(readonly input: LiveDeliveryInput) {
    const { booking } = input;
    this.locale = input.locale ?? 'en';
    this.esc = new Escalation<LiveDeliveryStatus, LiveDeliveryDetails>('live-delivery', initialStatus[input.issueType], {
      issueType: input.issueType,
      bookingId: booking.id,
      sessionTitle: booking.sessionTitle,
      sessionStart: booking.startTime,
      timeZone: booking.timeZone,
      handledBy: 'desk',
      facilitatorReachedAt: null,
      facilitatorArrivedAt: null,
      clientReached: null,
      clientUnreachableAt: null,
      participantsArrivedAt: null,
      techResolvedAt: null,
      mismatches: [],
      thread: null,
      ticketId: null,
    });
  }

  get details(): LiveDeliveryDetails {
    return this.esc.details;
  }

  get decided(): boolean {
    return this.esc.outcome !== null;
  }

  decide(outcome: LiveDeliveryOutcome, detail: string): void {
    this.esc.decide(outcome, outcome.startsWith('delivered') ? 'delivered' : 'cancelled', detail);
  }

  /** "Mon 23 Nov, 11:00 CST" in the session's zone. */
  local(iso: string | number): string {
    return localTime(iso, this.input.booking.timeZone);
  }

  /** A reply in the emergencies-channel thread (or a new post if the alert never got through). */
  async announce(step: string, text: string, buttons?: SlackButton[]): Promise<void> {
    const thread = this.details.thread;
    await postSlack(this.esc, {
      step,
      target: { channel: 'bookings-emergencies' },
      text,
      ...(thread && { threadTs: thread.ts }),
      ...(buttons && { buttons }),
    });
  }

  /**
   * Repeats the request in the thread until the callee is reached or the escalation is decided;
   * each request carries buttons for the call's outcome events.
   */
  call(id: string, callee: string, phone: string | undefined, outcomes: SlackButton[], reached: () => boolean): Promise<void> {
    return callTask(this.esc, {
      id,
      assignee: 'desk',
      callee,
      phone,
      intervalMs: minutes(this.input.callRetryMinutes),
      finished: () => reached() || this.decided,
      ask: (attempt, request) =>
        this.announce(
          `${id}-${attempt}`,
          attempt === 1 ? `:telephone_receiver: ${request}.` : `:telephone_receiver: ${request} (attempt ${attempt}, no outcome reported yet).`,
          outcomes,
        ),
    });
  }

  /**
   * A client email in the seed's template. Once the booking owner has taken over, the owner
   * handles the client: the desk sends nothing and the owner gets a task instead.
   */
  async clientEmail(template: TemplateName, purpose: string): Promise<void> {
    const { input, esc } = this;
    if (this.details.handledBy === 'owner') {
      esc.openTask(`owner-${template}`, input.bookingOwner, `Tell the client: ${purpose} (the desk's email '${template}' was not sent)`);
      return;
    }
    await sendEmail(esc, {
      step: `client-email-${template}`,
      template,
      locale: this.locale,
      to: input.siteContact,
      ccPeople: [input.bookingOwner, input.portfolioTeamLead],
      values: {
        clientName: input.siteContact.name,
        facilitatorName: input.facilitator.name,
        sessionTitle: input.booking.sessionTitle,
        sessionFormat: input.booking.sessionFormat,
      },
      times: { startTimeLabel: { iso: input.booking.startTime, timeZone: input.booking.timeZone } },
    });
  }
}

const initialStatus: Record<LiveDeliveryInput['issueType'], LiveDeliveryStatus> = {
  'facilitator-no-show': 'awaiting-facilitator',
  'participant-no-show': 'awaiting-participants',
  'tech-issue': 'troubleshooting',
};
