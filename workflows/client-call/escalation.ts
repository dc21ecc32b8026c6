// The running client call: the shared state every SOP section reads and changes (the kit's
// escalation, the playbook's details, the agenda), and the helpers they share (the team thread, DMs,
// local times, the status with its Web UI summary, what it waits for, work that runs beside the
// agenda). The sections are functions over it, one file each.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SlackButton } from '../../activities/index.js';
import { Agenda } from '../kit/agenda.js';
import { Escalation } from '../kit/escalation.js';
import { dm, replyInThread, type PostedRef } from '../kit/notify.js';
import { assigneeKey } from '../kit/search-attributes.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import { localTime } from '../kit/time.js';
import { worstSeverity } from './codes.js';
import type { ClientCallDetails, ClientCallInput, ClientCallStatus } from './contract.js';
import { TAKE_WITHIN, UPDATE_EVERY } from './sop.js';

export class ClientCall {
  readonly esc: Escalation<ClientCallStatus, ClientCallDetails>;
  readonly d: ClientCallDetails;
  readonly agenda: Agenda;
  /** Work that runs beside the agenda (the managers' ladder, call tasks); awaited before the workflow returns. */
  private readonly background: Promise<void>[] = [];
  /** A call task to the client runs (phone updates, the phone follow-up). */
  calling: 'updates' | 'follow-up' | null = null;
  /** "No answer" reports so far (each ends the current call attempt at once). */
  noAnswers = 0;

  constructor(readonly input: ClientCallInput) {
    this.d = initialDetails(input);
    this.esc = new Escalation<ClientCallStatus, ClientCallDetails>('client-call', 'awaiting-assignee', this.d);
    this.agenda = new Agenda(this.esc, { afterDue: () => this.refreshWaitingFor() });
  }

  get closed(): boolean {
    return this.esc.outcome !== null;
  }

  get locale(): 'en' | 'de' {
    return this.input.locale ?? 'en';
  }

  /** "Mon 23 Nov, 11:00 CET" in the client's zone (the team reads the zone's name). */
  local(at: string | number): string {
    return localTime(at, this.d.client.timeZone);
  }

  /** Starts work that runs beside the agenda (it must end once the escalation is closed). */
  spawn(work: () => Promise<unknown>): void {
    this.background.push(work().then(() => undefined));
  }

  /** Waits for the work started with spawn (including work it started in turn). */
  async finishBackground(): Promise<void> {
    while (this.background.length > 0) await this.background.shift();
  }

  /** A reply in the team thread (or a new post in the team channel when the first post never got through). */
  async toTeam(step: string, text: SlackText, buttons?: SlackButton[]): Promise<PostedRef | undefined> {
    if (!this.d.team) {
      this.esc.timeline.add('step-failed', `Team message '${step}' not posted: no team (${this.d.teamProblem ?? 'unknown'})`);
      return undefined;
    }
    return replyInThread(this.esc, this.d.team.channel, this.d.thread, step, text, buttons);
  }

  /** DMs each person once, in order: the DMs that got through. */
  dm(step: string, people: string[], text: SlackText, buttons?: SlackButton[]): Promise<PostedRef[]> {
    return dm(this.esc, step, people, text, buttons);
  }

  /**
   * Who signs the client emails (issue 17 item 9), most relevant first: the assignee working the
   * issue, else whoever took the call; neither known to the directory: the desk's signature.
   */
  signers(): string[] {
    return [this.d.assignee, this.d.takenBy].filter((p): p is string => typeof p === 'string');
  }

  setAssignee(person: string): void {
    this.d.assignee = person;
    upsertSearchAttributes([{ key: assigneeKey, value: person }]);
  }

  /** Sets the status (search attribute) with a summary of what it means now (the Web UI's current details). */
  setStatus(status: ClientCallStatus): void {
    this.esc.setStatus(status, this.statusSummary(status));
  }

  statusSummary(status: ClientCallStatus): string {
    const { d } = this;
    const head = `${d.client.accountName}: ${d.issues[0]!.summary} (${d.severity})`;
    switch (status) {
      case 'awaiting-assignee':
        return `${head}: waiting for someone in ${d.team?.name ?? 'the team'} to take it`;
      case 'escalated':
        return `${head}: not taken in time; the team's managers are asked`;
      case 'in-progress':
        return `${head}: worked by ${d.assignee}`;
      case 'resolved': {
        const open = this.openAfterResolution();
        return `${head}: resolved; open: ${open.length ? open.join(', ') : 'nothing'}`;
      }
      default:
        return `${head}: ${status}`;
    }
  }

  /** Closes once the review, the documentation and the handover are done (SOP: "After resolution"). */
  closeIfDone(): void {
    const { d, esc } = this;
    if (this.closed || !d.resolution) return;
    if (this.openAfterResolution().length > 0) {
      this.setStatus('resolved'); // the Web UI's summary lists what is still open
      return;
    }
    const answer = d.followUp?.answer;
    const detail =
      `Resolved: ${d.resolution.resolution}; review and documentation done; ${d.handover?.to.length ? `handed over to ${d.handover.to.join(', ')}` : (d.handover?.detail ?? 'handover done')}` +
      `; the client ${answer ? (answer.satisfied ? 'is satisfied' : 'is not satisfied') : 'gave no answer to the follow-up'}`;
    esc.decide('resolved', 'closed', detail);
    this.agenda.later(() => this.toTeam('closed', slack`:checkered_flag: Closed. ${detail}.`));
  }

  cancelledText(): SlackText {
    return slack`:x: Called off by ${this.d.cancelled!.by}: ${this.d.cancelled!.reason}`;
  }

  /** What still keeps a resolved escalation open. */
  openAfterResolution(): string[] {
    const { d } = this;
    return [
      !d.review?.done && 'root-cause review',
      !d.documentation?.done && 'documentation',
      d.handover?.state !== 'done' && 'handover to the usual contact',
    ].filter((x): x is string => typeof x === 'string');
  }

  /** The events that make sense now (the state's `waitingFor`). */
  refreshWaitingFor(): void {
    const { d, esc } = this;
    if (esc.outcome !== null) {
      esc.waitingFor = [];
      return;
    }
    const w: string[] = [];
    if (!d.resolution) {
      w.push('assigned', 'client-info');
      if (d.assignee) w.push('cause-identified', 'eta', 'roadblock', 'resolved');
      if (d.updates.some((u) => u.via === 'phone' && u.delivery === 'pending')) w.push('client-called');
    } else {
      w.push('client-info');
      if (d.followUp && !d.followUp.answer) w.push('client-feedback');
      if (d.followUp?.delivery === 'calling') w.push('client-called');
      if (!d.review?.done) w.push('review-done');
      if (!d.documentation?.done) w.push('documented');
    }
    if (d.handover?.state !== 'done' && !d.usualContactBack) w.push('usual-contact-back');
    w.push('cancelled');
    esc.waitingFor = w;
  }
}

function initialDetails(i: ClientCallInput): ClientCallDetails {
  const issues = [i.issue, ...(i.otherIssues ?? [])];
  const severity = worstSeverity(issues.map((x) => x.severity));
  return {
    client: { accountId: i.client.accountId, accountName: i.client.accountName, callerName: i.client.callerName, timeZone: i.client.timeZone },
    preferredContact: { method: i.preferredContact, email: i.client.email ?? null, phone: i.client.phone ?? null },
    callAt: new Date(i.callAt).toISOString(),
    takenBy: i.takenBy ?? null,
    usualContact: i.usualContact,
    usualContactBackAt: i.usualContactBackAt ? new Date(i.usualContactBackAt).toISOString() : null,
    severity,
    criticalToBusiness: issues.some((x) => x.criticalToBusiness),
    timeSensitive: issues.some((x) => x.timeSensitive),
    issues,
    notes: i.notes ?? null,
    policy: {
      takeWithinMinutes: i.takeWithinMinutes ?? TAKE_WITHIN[severity] / 60_000,
      updateEveryMinutes: i.updateEveryMinutes ?? UPDATE_EVERY[severity] / 60_000,
    },
    team: null,
    teamProblem: null,
    earlier: null,
    earlierProblem: null,
    thread: null,
    assignee: null,
    assignedAt: null,
    assignments: [],
    takenInTime: null,
    managers: null,
    updates: [],
    lastUpdateAt: null,
    updateReminders: 0,
    eta: null,
    clientInfo: [],
    resolution: null,
    followUp: null,
    review: null,
    documentation: null,
    handover: null,
    usualContactBack: null,
    cancelled: null,
  };
}
