// What every live-delivery issue type shares: the escalation state and its agenda, the
// emergencies-channel thread, client emails (left to the booking owner once they take over), call
// requests, and the SOP's rule for telling the client (seed 000: "always aim to phone the client
// ... the email templates should be used when the client is uncontactable on the phone, or for
// follow-up documenting the discussion had on the phone").
import { patched } from '@temporalio/workflow';
import { conditionOrTimeout } from '../kit/timers.js';
import type { SlackButton, TemplateFlagName } from '../../activities/index.js';
import { Agenda } from '../kit/agenda.js';
import { callTask } from '../kit/call-task.js';
import { Escalation } from '../kit/escalation.js';
import { replyInThread, sendEmail, type PostedRef } from '../kit/notify.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import { localTime, minutes, nowIso } from '../kit/time.js';
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

/**
 * What happened to a cancelled session, as every text after the outcome says it (issue 17 item 7):
 * a tech issue that ended the session early (session-ended-early) or failed part-way (reported
 * mid-session, cutoff passed) did run for a while; every other cancellation never went ahead.
 */
export function sessionFate(s: LiveSession): 'the session ended early' | 'the session failed part-way through' | 'the session did not go ahead' {
  if (s.input.issueType !== 'tech-issue') return 'the session did not go ahead';
  if (s.endedEarly) return 'the session ended early';
  const reported = s.input.techIssueReportedAt;
  if (reported !== undefined && Date.parse(reported) > Date.parse(s.input.booking.startTime)) return 'the session failed part-way through';
  return 'the session did not go ahead';
}

/**
 * patched() id (issue 18: deadlines on time under load): at the outcome the aftercare's first
 * messages (the thread's outcome, the alert's mark, the request to phone the client, the ticket) go
 * out in the workflow task that decided it, and the call tasks and reminders that ended close their
 * posts beside them. Before it the outcome post waited for those posts to be closed, and the call
 * request for the outcome post: two activities and two workflow tasks after a cutoff, about 60 ms on
 * an idle machine and up to 200 ms with 10,000 escalations in flight (bench/results/capacity-2026-12-01T03-*).
 * The outcome and the call request now reach Slack together, in either order; each reads on its own.
 */
export const AFTERCARE_IN_OUTCOME_TASK = 'live-delivery-aftercare-in-outcome-task';

/** How often the desk is asked to phone the client about a cancellation before the email goes alone (3 x 5 minutes by default). */
export const CLIENT_CALL_ATTEMPTS = 3;

export class LiveSession {
  readonly esc: Escalation<LiveDeliveryStatus, LiveDeliveryDetails>;
  /** The cutoff deadline and the work events queue (e.g. an email once the client is unreachable). */
  readonly agenda: Agenda;
  readonly locale: 'en' | 'de';
  /** Tech issue: the session ended early (session-ended-early), not at a cutoff. */
  endedEarly = false;
  /** How many client-unreachable events were applied: a call about the outcome waits for one of its own. */
  unreachableReports = 0;
  /** Participant no-show, patch live-delivery-unreachable-answers-call: the first call was answered by client-unreachable (or there was no number to call). */
  unreachableAnswersCall = false;
  /** Participant no-show cut off under patch live-delivery-participant-cutoff-call: the client is phoned before template 4. */
  cutoffCall = false;
  private readonly happened = new Set<string>();
  /** Work started on the side (e.g. decision reminders), awaited before the escalation ends. */
  private readonly sideWork: Promise<unknown>[] = [];
  /** Call tasks and reminders still closing their posts at the outcome (patch AFTERCARE_IN_OUTCOME_TASK). */
  private readonly windingDown: Promise<unknown>[] = [];

  /**
   * @param v2 patch live-delivery-sop-v2 is in force: calls wait for the session start, a reached
   * facilitator is the desk's decision, the client is phoned before the cancellation email, a
   * client-side tech issue raises no ticket. False: an escalation opened before it, replayed as recorded.
   */
  constructor(
    readonly input: LiveDeliveryInput,
    readonly v2: boolean,
  ) {
    const { booking } = input;
    this.locale = input.locale ?? 'en';
    this.esc = new Escalation<LiveDeliveryStatus, LiveDeliveryDetails>('live-delivery', initialStatus[input.issueType], {
      issueType: input.issueType,
      bookingId: booking.id,
      sessionTitle: booking.sessionTitle,
      sessionStart: booking.startTime,
      timeZone: booking.timeZone,
      handledBy: 'desk',
      ownerAcknowledgedAt: null,
      deskAgent: null,
      facilitatorReachedAt: null,
      facilitatorEta: null,
      lateFacilitatorDecision: null,
      facilitatorArrivedAt: null,
      clientReached: null,
      clientUnreachableAt: null,
      clientInformed: null,
      participantsArrivedAt: null,
      techResolvedAt: null,
      techCause: input.techIssueCause ?? null,
      mismatches: [],
      thread: null,
      ticketId: null,
    });
    this.agenda = new Agenda(this.esc);
    const d = this.esc.details;
    this.esc.present({
      timeZone: booking.timeZone,
      headline: () => `${input.issueType}: "${booking.sessionTitle}" (booking ${booking.id}), start ${this.local(booking.startTime)}`,
      facts: () => [
        `Client handled by the ${d.handledBy === 'owner' ? `booking owner (${input.bookingOwner})` : 'desk'}`,
        ...(d.facilitatorReachedAt ? [`Facilitator reached ${this.local(d.facilitatorReachedAt)}`] : []),
        ...(d.clientReached ? [`Client reached: ${d.clientReached}`] : []),
        ...(d.clientUnreachableAt ? [`Client unreachable ${this.local(d.clientUnreachableAt)}`] : []),
        ...(d.mismatches.length ? [`Details differ from the client's: ${d.mismatches.map((m) => m.field).join(', ')}`] : []),
        ...(d.ticketId ? [`Service-recovery ticket ${d.ticketId}`] : []),
      ],
    });
  }

  /** True the first time only: for steps an event sets going once (e.g. the unreachable-client email). */
  once(step: string): boolean {
    if (this.happened.has(step)) return false;
    this.happened.add(step);
    return true;
  }

  /** Runs `work` beside the agenda's loop (it may wait for minutes); `settle` awaits it. */
  spawn(work: () => Promise<unknown>): void {
    this.sideWork.push(work());
  }

  async settle(): Promise<void> {
    await Promise.all(this.sideWork);
  }

  /** v2 escalations that reach their outcome under patch AFTERCARE_IN_OUTCOME_TASK. Ask only at the outcome. */
  get aftercareInOutcomeTask(): boolean {
    return this.v2 && patched(AFTERCARE_IN_OUTCOME_TASK);
  }

  /**
   * At the outcome, what still has to end (call tasks and reminders closing their posts): under
   * patch AFTERCARE_IN_OUTCOME_TASK it ends beside the aftercare (`woundDown` awaits it); before
   * it, each in turn before the aftercare began.
   */
  async windDown(...work: (() => Promise<unknown>)[]): Promise<void> {
    if (this.aftercareInOutcomeTask) {
      this.windingDown.push(...work.map((w) => w()));
      return;
    }
    for (const w of work) await w();
  }

  async woundDown(): Promise<void> {
    await Promise.all(this.windingDown);
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
  announce(step: string, text: SlackText, buttons?: SlackButton[]): Promise<PostedRef | undefined> {
    return replyInThread(this.esc, LIVE_DELIVERY_DIRECTORY.emergencyChannel, this.details.thread, step, text, buttons);
  }

  /**
   * v2: a no-show cannot precede the session start (issue 17 item 19): an escalation opened before
   * it (the API takes them from 30 minutes before) waits for the start before any call task. False
   * when the escalation was decided meanwhile.
   */
  async untilSessionStart(): Promise<boolean> {
    const start = Date.parse(this.input.booking.startTime);
    if (!this.v2 || start <= Date.now()) return !this.decided;
    this.esc.timeline.add('waiting-for-start', `The session starts ${this.local(start)}: the calls begin then (a no-show cannot precede the start)`);
    const decided = await conditionOrTimeout(() => this.decided, start - Date.now(), { summary: 'Session start: the calls begin' });
    // A worker down across the start and a cutoff: the cutoff decides before any call is asked for.
    const firing = decided ? undefined : this.esc.dueDeadlinesFirst();
    if (firing) await firing;
    return !this.decided;
  }

  /**
   * Repeats the request in the thread until the callee is reached or the escalation is decided
   * (capped like every call task); each request carries buttons for the call's outcome events.
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
   * v2, after a cancellation: the desk phones the client contact first; the template follows as
   * the written record of the call (client-informed) or as the notice to a client who cannot be
   * reached (client-unreachable, no phone number on file, or no outcome after CLIENT_CALL_ATTEMPTS
   * requests). Once the booking owner has taken over, the owner tells the client instead.
   * `callId` names the call task (and its posts) when the client was already phoned earlier in the
   * escalation under `call-client` (participant no-show); an earlier client-unreachable does not
   * count for this call.
   */
  async informClient(
    template: LiveDeliveryTemplate,
    purpose: string,
    flags: Partial<Record<TemplateFlagName, boolean>> = {},
    callId = 'call-client',
  ): Promise<void> {
    const { esc, input, details: d } = this;
    const unreachableBefore = this.unreachableReports;
    const unreachable = () => this.unreachableReports > unreachableBefore;
    if (d.handledBy === 'owner') {
      d.clientInformed = 'owner';
      await this.clientEmail(template, purpose, flags);
      return;
    }
    const contact = input.siteContact;
    if (!contact.phone) {
      esc.timeline.add('call-skipped', `No phone number on file for ${contact.name}: the client is told by email`);
    } else {
      esc.expectAfterOutcome(['client-informed', 'client-unreachable']);
      await callTask(esc, {
        id: callId,
        assignee: 'desk',
        callees: [{ name: contact.name, phone: contact.phone }],
        intervalMs: minutes(input.callRetryMinutes),
        maxAttempts: CLIENT_CALL_ATTEMPTS,
        finished: () => d.clientInformed !== null || unreachable(),
        answered: () => d.clientInformed !== null || unreachable(),
        ask: (attempt, request) =>
          this.announce(
            `${callId}-${attempt}`,
            slack`:telephone_receiver: ${request} to tell them: ${purpose}.${attempt > 1 ? ` (attempt ${attempt} of ${CLIENT_CALL_ATTEMPTS}, no outcome reported yet)` : ''} The email follows as the written record, or instead if they cannot be reached.`,
            [
              { event: 'client-informed', label: 'Told them on the phone', style: 'primary' },
              { event: 'client-unreachable', label: 'No answer: email them' },
            ],
          ),
      });
      esc.expectAfterOutcome([]);
      if (d.clientInformed === null && !unreachable()) {
        esc.timeline.add('call-unanswered', `No call outcome reported after ${CLIENT_CALL_ATTEMPTS} requests: the client is told by email`);
      }
    }
    const afterCall = d.clientInformed === 'phone';
    if (!afterCall) d.clientInformed = 'email';
    await this.clientEmail(template, purpose, { ...flags, afterCall });
  }

  /**
   * A client email in the seed's template, signed by the desk agent who handled it, naming the
   * owner when they are online. Once the booking owner has taken over, the owner handles the
   * client: the desk sends nothing and the owner gets a task instead.
   */
  async clientEmail(template: LiveDeliveryTemplate, purpose: string, flags: Partial<Record<TemplateFlagName, boolean>> = {}): Promise<void> {
    const { input, esc, details: d } = this;
    if (d.handledBy === 'owner') {
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
      flags: { ...flags, ownerOnline: d.ownerAcknowledgedAt !== null },
      people: { partnerName: input.bookingOwner },
      signedBy: [d.deskAgent, input.reportedBy].filter((a): a is string => typeof a === 'string'),
      at: nowIso(),
    }, {
      tell: (reason) => this.announce(`client-email-${template}-not-sent`, slack`:warning: The email to ${input.siteContact.name} (${purpose}) was *not* sent (${reason}): tell the client another way.`),
    });
  }
}
