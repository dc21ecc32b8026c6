// The running tech incident: the state every SOP section reads and changes (the kit's escalation,
// the playbook's details, the agenda), and the helpers they share (status with its Web UI summary,
// what it waits for, the texts in the team's language, the siren post). The sections are functions
// over it, one file each.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SlackButton } from '../../activities/index.js';
import { Agenda } from '../kit/agenda.js';
import { Escalation } from '../kit/escalation.js';
import { dm, postSlack, replyInThread, updateSlack, type PostedRef } from '../kit/notify.js';
import type { SlackText } from '../kit/slack-text.js';
import { TECH_INCIDENT_DIRECTORY } from './codes.js';
import type { ReportRecord, TechIncidentDetails, TechIncidentOpening, TechIncidentStatus } from './contract.js';
import { criticalityKey } from './search-attributes.js';
import { ACK_TIMEOUT } from './sop.js';
import { TEXTS, type Texts } from './texts.js';

export class Incident {
  readonly esc: Escalation<TechIncidentStatus, TechIncidentDetails>;
  readonly d: TechIncidentDetails;
  readonly agenda: Agenda;
  /** The phone ladder once the acknowledgement deadline passed (runs beside the agenda). */
  calling: Promise<void> | null = null;
  /** The callee the current call task names (call outcomes are theirs). */
  callee: { person: string; name: string } | null = null;
  private sirenRefreshQueued = false;
  private sirenUpdates = 0;

  constructor(readonly opening: TechIncidentOpening) {
    this.d = {
      problemKey: opening.problemKey,
      policy: opening.policy,
      locale: 'de',
      criticality: 'single-case',
      criticalAt: null,
      criticalReport: null,
      incidentAgent: null,
      reports: [],
      customers: [],
      facts: null,
      reproduced: null,
      siren: null,
      acknowledged: null,
      calls: [],
      reached: null,
      socialMedia: null,
      statusUpdates: [],
      trackingListUrl: null,
      delayReminders: 0,
      resolution: null,
    };
    this.esc = new Escalation<TechIncidentStatus, TechIncidentDetails>('tech-incident', 'single-case', this.d);
    this.agenda = new Agenda(this.esc, { afterDue: () => this.refreshWaitingFor() });
  }

  get texts(): Texts {
    return TEXTS[this.d.locale];
  }

  get critical(): boolean {
    return this.d.criticality === 'critical';
  }

  /** When the on-call group must have reacted: the report that made it critical + 15 minutes. */
  get ackDueAt(): string | null {
    return this.d.criticalAt === null ? null : new Date(Date.parse(this.d.criticalAt) + ACK_TIMEOUT).toISOString();
  }

  local(iso: string | number): string {
    return this.texts.local(iso, this.d.policy.timeZone);
  }

  /** Sets the status (search attribute) with a one-line summary for the Web UI. */
  setStatus(status: TechIncidentStatus): void {
    const { d } = this;
    const count = `${d.customers.length} customer${d.customers.length === 1 ? '' : 's'}, ${d.reports.length} report${d.reports.length === 1 ? '' : 's'}`;
    const summaries: Record<TechIncidentStatus, string> = {
      'single-case': `${d.problemKey}: single case (${count}); critical above ${d.policy.criticalAbove} customers`,
      critical: `${d.problemKey}: CRITICAL (${count}); waiting for the on-call group's acknowledgement until ${this.ackDueAt}`,
      phoning: `${d.problemKey}: CRITICAL (${count}); nobody reacted in 15 minutes, ${this.callee?.name ?? 'the incident lead'} is being phoned`,
      'in-progress': `${d.problemKey}: CRITICAL (${count}); ${d.acknowledged ? `acknowledged by ${d.acknowledged.by}` : `${d.reached ?? 'a callee'} reached by phone`}`,
      resolved: `${d.problemKey}: resolved`,
      lapsed: `${d.problemKey}: single case closed after ${d.policy.quietDays} days without a new report`,
    };
    this.esc.setStatus(status, summaries[status]);
  }

  /** Marks it critical in the search attributes (TechIncidentCriticality). */
  markCritical(): void {
    upsertSearchAttributes([{ key: criticalityKey, value: 'critical' }]);
  }

  /** The events that make sense now (the state's `waitingFor`). */
  refreshWaitingFor(): void {
    const { d, esc } = this;
    if (esc.outcome !== null) {
      esc.waitingFor = [];
      return;
    }
    const w: string[] = [];
    const open = (id: string) => esc.tasks.some((t) => t.id === id && t.status === 'open');
    if (this.critical && !d.acknowledged && esc.status === 'critical') w.push('acknowledged');
    if (d.reproduced === null) w.push('reproduced');
    if (esc.tasks.some((t) => t.id.startsWith('call') && t.status === 'open')) w.push('call-reached', 'call-no-answer');
    if (open('social-media')) w.push('social-media-checked');
    if (this.critical) w.push('status-update');
    w.push('resolved');
    esc.waitingFor = w;
  }

  /** The reports `agent` made (their customers, for ownership reminders). */
  ticketsOf(agent: string): ReportRecord[] {
    return this.d.reports.filter((r) => r.reportedBy === agent);
  }

  /** Every reporting agent, in the order they first reported. */
  agents(): string[] {
    return [...new Set(this.d.reports.map((r) => r.reportedBy))];
  }

  dm(step: string, people: string[], text: SlackText, buttons?: SlackButton[]): Promise<PostedRef[]> {
    return dm(this.esc, step, people, text, buttons);
  }

  /** A reply in the siren's thread (or a post in the channel if the siren never got through). */
  reply(step: string, text: SlackText, buttons?: SlackButton[]): Promise<PostedRef | undefined> {
    return replyInThread(this.esc, TECH_INCIDENT_DIRECTORY.channel, this.d.siren, step, text, buttons);
  }

  /** Posts the siren in the customer-success channel (seed step 3): false when it could not be posted. */
  async postSiren(): Promise<boolean> {
    const posted = await postSlack(this.esc, {
      step: 'siren',
      target: { channel: TECH_INCIDENT_DIRECTORY.channel },
      text: this.sirenText(),
      buttons: this.sirenButtons(),
    });
    if (posted) this.d.siren = { channel: posted.channel, ts: posted.ts };
    return posted !== undefined;
  }

  /** The siren shows the escalation as it is now (counts, reproduced, acknowledged, phoning): updated once per round of changes. */
  refreshSiren(): void {
    if (this.sirenRefreshQueued) return;
    this.sirenRefreshQueued = true;
    this.agenda.later(async () => {
      this.sirenRefreshQueued = false;
      await this.updateSiren();
    });
  }

  /** Updates the siren post now (its buttons: acknowledge while that is still open). */
  async updateSiren(): Promise<void> {
    const siren = this.d.siren;
    if (!siren) return;
    await updateSlack(this.esc, `siren-update-${++this.sirenUpdates}`, siren.channel, siren.ts, this.sirenText(), this.sirenButtons());
  }

  /** A post in the team's info channel (seed step 6: "Update im i-Channel"). */
  async postInfo(step: string, text: SlackText): Promise<void> {
    await postSlack(this.esc, { step, target: { channel: TECH_INCIDENT_DIRECTORY.infoChannel }, text });
  }

  private sirenButtons(): SlackButton[] | undefined {
    const ackOpen = this.esc.outcome === null && !this.d.acknowledged && this.esc.status === 'critical';
    return ackOpen ? this.texts.sirenButtons : undefined;
  }

  private sirenText(): SlackText {
    const { d } = this;
    return this.texts.siren({
      problemKey: d.problemKey,
      facts: d.facts!,
      agent: d.incidentAgent!,
      ackDueAt: this.ackDueAt!,
      reproduced: d.reproduced?.value ?? null,
      acknowledged: d.acknowledged,
      phoning: this.calling !== null,
      reached: d.reached ? { name: d.reached } : null,
      resolved: d.resolution !== null,
      trackingListUrl: d.trackingListUrl,
      timeZone: d.policy.timeZone,
      now: Date.now(),
    });
  }
}
