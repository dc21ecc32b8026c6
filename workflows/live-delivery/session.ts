// What every live-delivery issue type shares: the escalation state and its agenda, the
// emergencies-channel thread, client emails (left to the booking owner once they take over) and
// call requests.
import type { SlackButton } from '../../activities/index.js';
import { Agenda } from '../kit/agenda.js';
import { callTask } from '../kit/call-task.js';
import { Escalation } from '../kit/escalation.js';
import { replyInThread, sendEmail } from '../kit/notify.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import { localTime, minutes } from '../kit/time.js';
import { LIVE_DELIVERY_DIRECTORY } from './codes.js';
import type {
  LiveDeliveryDetails,
  LiveDeliveryInput,
  LiveDeliveryOutcome,
  LiveDeliveryStatus,
  LiveDeliveryTemplate,
} from './contract.js';

const initialStatus: Record<LiveDeliveryInput['issueType'], LiveDeliveryStatus> = {
  'facilitator-no-show': 'awaiting-facilitator',
  'participant-no-show': 'awaiting-participants',
  'tech-issue': 'troubleshooting',
};

export class LiveSession {
  readonly esc: Escalation<LiveDeliveryStatus, LiveDeliveryDetails>;
  /** The cutoff deadline and the work events queue (e.g. an email once the client is unreachable). */
  readonly agenda: Agenda;
  readonly locale: 'en' | 'de';
  private readonly happened = new Set<string>();

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
    this.agenda = new Agenda(this.esc);
  }

  /** True the first time only: for steps an event sets going once (e.g. the unreachable-client email). */
  once(step: string): boolean {
    if (this.happened.has(step)) return false;
    this.happened.add(step);
    return true;
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
  async announce(step: string, text: SlackText, buttons?: SlackButton[]): Promise<void> {
    await replyInThread(this.esc, LIVE_DELIVERY_DIRECTORY.emergencyChannel, this.details.thread, step, text, buttons);
  }

  /**
   * Repeats the request in the thread until the callee is reached or the escalation is decided;
   * each request carries buttons for the call's outcome events.
   */
  async call(id: string, callee: string, phone: string | undefined, outcomes: SlackButton[], reached: () => boolean): Promise<void> {
    await callTask(this.esc, {
      id,
      assignee: 'desk',
      callees: [{ name: callee, phone }],
      intervalMs: minutes(this.input.callRetryMinutes),
      finished: () => reached() || this.decided,
      ask: (attempt, request) =>
        this.announce(
          `${id}-${attempt}`,
          attempt === 1 ? slack`:telephone_receiver: ${request}.` : slack`:telephone_receiver: ${request} (attempt ${attempt}, no outcome reported yet).`,
          outcomes,
        ),
    });
  }

  /**
   * A client email in the seed's template. Once the booking owner has taken over, the owner
   * handles the client: the desk sends nothing and the owner gets a task instead.
   */
  async clientEmail(template: LiveDeliveryTemplate, purpose: string): Promise<void> {
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
