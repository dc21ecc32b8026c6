// The running gameday issue: the kit's escalation with the playbook's details, its agenda, the event
// it belongs to, the thread every post after the first goes to, the acknowledgement ladders, and what
// it publishes for others (status and tier as search attributes, the figures in its memo for the
// gameday summary, links in the Web UI's details).
import { setCurrentDetails, sleep, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SlackButton } from '../../activities/index.js';
import { cluster, lookups, messaging } from '../kit/activities.js';
import { Agenda } from '../kit/agenda.js';
import { Escalation } from '../kit/escalation.js';
import { failureReason } from '../kit/failures.js';
import { runLadder, type LadderResult, type Rung } from '../kit/ladder.js';
import { postSlack, replyInThread } from '../kit/notify.js';
import type { SlackText } from '../kit/slack-text.js';
import { localTime, minutes, nowIso } from '../kit/time.js';
import { FIGURES_MEMO_KEY, GAMEDAY_EVENT_TYPES, ISSUE_RAISED_SIGNAL, SUMMARY_WORKFLOW_TYPE, summaryWorkflowId, type GamedayOutcome, type GamedayStatus, type Tier } from './codes.js';
import type { GamedayEventView, GamedayFigures, GamedayIssueDetails, GamedayIssueInput, GamedaySettings } from './contract.js';
import { eventView, notLiveFlag } from './event.js';
import { formatDuration } from './figures.js';
import { gamedayEventKey, gamedayOutcomeKey, gamedayTierKey } from './search-attributes.js';
import { acknowledgedPost, issuePost, issueTitle, reminderPost } from './texts.js';

const PLAYBOOK = 'gameday-issue';
const DAY = 24 * 60 * 60_000;
/** The event missing from the directory file (changed since the API checked it): looked up again, at most this often. */
const EVENT_LOOKUPS = 12;
const EVENT_LOOKUP_INTERVAL = minutes(5);

/** The deadline each tier's acknowledgement ladder keeps in the state. */
export const ACK_DEADLINE: Record<Tier, string> = { 'tier-2': 'acknowledgement', 'tier-3': 'tech-support-acknowledgement' };
/** The deadline after which an issue still open closes as the engine's follow-up (`followUpDays` after the event's end). */
export const FOLLOW_UP_CLOSE = 'follow-up-close';

interface AckRung extends Rung {
  step: 'posted' | 'group' | 'lead';
}

export class GamedayIssue {
  readonly esc: Escalation<GamedayStatus, GamedayIssueDetails>;
  readonly agenda: Agenda;
  /** The acknowledgement ladders running beside the agenda (tier 2 from the start, tier 3 once escalated). */
  readonly ladders: Promise<unknown>[] = [];
  private published = '';

  constructor(readonly input: GamedayIssueInput) {
    this.esc = new Escalation<GamedayStatus, GamedayIssueDetails>(PLAYBOOK, 'awaiting-acknowledgement', {
      event: null,
      raisedAt: workflowInfo().startTime.toISOString(),
      flag: null,
      tier: 'tier-2',
      acknowledgedAt: null,
      acknowledgedBy: null,
      escalatedAt: null,
      escalatedBy: null,
      facts: null,
      techAcknowledgedAt: null,
      techAcknowledgedBy: null,
      resolution: null,
      carriedOver: false,
      thread: null,
      threadUrl: null,
      summary: { workflowId: summaryWorkflowId(input.event), registration: 'pending' },
    });
    this.agenda = new Agenda(this.esc);
  }

  get d(): GamedayIssueDetails {
    return this.esc.details;
  }

  get decided(): boolean {
    return this.esc.outcome !== null;
  }

  local(at: string | number): string {
    return localTime(at, this.d.event?.timeZone ?? 'UTC');
  }

  /** Acknowledgement time per ladder step: the event's `ackMinutes` while live, `notLiveAckMinutes` otherwise. */
  ackMs(): number {
    const ev = this.d.event;
    if (!ev) return minutes(5);
    return minutes(this.d.flag === null ? ev.ackMinutes : ev.notLiveAckMinutes);
  }

  /**
   * Reads the event's settings from the directory file (through an activity, so a file changed since
   * the API checked the issue is seen). Missing: looked up again every 5 minutes, at most 12 times.
   */
  async loadEvent(): Promise<boolean> {
    for (let attempt = 1; attempt <= EVENT_LOOKUPS && !this.decided; attempt++) {
      let settings: GamedaySettings | null = null;
      try {
        settings = (await lookups.playbookSettings({ playbook: PLAYBOOK })) as GamedaySettings | null;
      } catch (err) {
        this.esc.timeline.add('step-failed', `The event's settings could not be read: ${failureReason(err)}`);
      }
      const found = settings?.events[this.input.event];
      if (found) {
        this.d.event = eventView(this.input.event, found);
        return true;
      }
      if (settings) {
        this.esc.timeline.add('step-failed', `The directory file has no gameday event '${this.input.event}' (attempt ${attempt} of ${EVENT_LOOKUPS})`);
      }
      if (attempt < EVENT_LOOKUPS) await sleep(EVENT_LOOKUP_INTERVAL, { summary: `look up event '${this.input.event}' again` });
    }
    return this.d.event !== null;
  }

  /** Live or not (flagged), and the deadlines that come from the event's times. */
  judgeWindow(): void {
    const ev = this.d.event!;
    const raised = Date.parse(this.d.raisedAt);
    this.d.flag = notLiveFlag(ev, raised);
    const end = Date.parse(ev.end);
    this.esc.deadlines.add(ACK_DEADLINE['tier-2'], raised, this.ackMs(), 'Acknowledgement by the response team (then a reminder to the response group)');
    if (raised <= end) this.esc.deadlines.add('event-end', end, 0, `${ev.name} ends: an issue still open goes on the follow-up list, reminders stop`);
    // From its instant on, no event changes the engine's follow-up, however late a worker gets to it.
    this.esc.deadlines.add(FOLLOW_UP_CLOSE, Math.max(end, raised), ev.followUpDays * DAY, `Still open ${ev.followUpDays} days after the event: closed as a follow-up`, {
      closes: GAMEDAY_EVENT_TYPES,
    });
    const flagText = this.d.flag === 'before-window' ? 'raised before the live window' : this.d.flag === 'after-end' ? 'raised after the event' : 'raised during the live event';
    this.esc.timeline.add('event-window', `${ev.name}: ${flagText}${this.d.flag === null ? '' : ' (flagged: no @here)'}`, 'engine', {
      flag: this.d.flag,
      start: ev.start,
      end: ev.end,
    });
  }

  /**
   * Joins the event's gameday summary: starts it with the event's first issue, signals it with every
   * one (signal-with-start). An issue raised after the event's end is not in the summary.
   */
  async joinSummary(): Promise<void> {
    const { d, esc } = this;
    if (d.flag === 'after-end') {
      d.summary.registration = 'not-registered';
      esc.timeline.add('summary', 'Raised after the event ended: not part of the gameday summary');
      return;
    }
    try {
      const joined = await cluster.startCompanion({
        workflowType: SUMMARY_WORKFLOW_TYPE,
        workflowId: d.summary.workflowId,
        args: [{ event: this.input.event }],
        signal: ISSUE_RAISED_SIGNAL,
        signalArgs: [{ issueId: esc.escalationId }],
        typedSearchAttributes: [{ key: gamedayEventKey, value: this.input.event }],
        staticSummary: `Gameday summary: ${d.event!.name} (${this.input.event}), posted when it ends`,
      });
      d.summary.registration = joined.status === 'running' ? 'registered' : 'closed';
      esc.timeline.add(
        'summary',
        joined.status === 'running' ? `Counted in the gameday summary (${d.summary.workflowId})` : 'The gameday summary was posted already: this issue is not in it',
      );
    } catch (err) {
      d.summary.registration = 'failed';
      esc.timeline.add('step-failed', `Could not join the gameday summary: ${failureReason(err)}`);
    }
  }

  /** The completed template in the event's channel, with @here only while the event is live. */
  async postIssue(): Promise<void> {
    const { d, esc, input } = this;
    const ev = d.event!;
    const buttons: SlackButton[] = [
      { event: 'acknowledged', label: "Acknowledge: I'm on it", style: 'primary' },
      { event: 'escalated-to-tech-support', label: 'Escalate to tech support' },
    ];
    const posted = await postSlack(esc, { step: 'issue', target: { channel: ev.channel }, text: issuePost(input, ev, d.flag), buttons });
    if (posted) d.thread = { channel: posted.channel, ts: posted.ts };
  }

  /** The thread's permalink, for the Web UI's details and the summary's follow-up list. */
  async linkThread(): Promise<void> {
    const { d, esc } = this;
    if (!d.thread) return;
    try {
      d.threadUrl = (await messaging.getSlackPermalink({ channel: d.thread.channel, ts: d.thread.ts })).permalink;
    } catch (err) {
      esc.timeline.add('step-failed', `No link to the Slack thread: ${failureReason(err)}`);
    }
    this.refresh();
  }

  /** A post in the issue's thread (in the channel, if the first post never got through). */
  async say(step: string, text: SlackText, buttons?: SlackButton[]): Promise<void> {
    const ev = this.d.event;
    if (!ev) return;
    await replyInThread(this.esc, ev.channel, this.d.thread, step, text, buttons);
  }

  /**
   * The acknowledgement ladder of a tier (SOP: "no acknowledgement within 5 minutes"): the post went
   * out (with @here, or mentioning tech support); unacknowledged after the ack time, a reminder in the
   * thread mentions the tier's group; after as long again, the event's lead (skipped when the directory
   * marks them away). Ends on the acknowledgement, the outcome, or the event's end.
   */
  async ackLadder(tier: Tier): Promise<LadderResult<AckRung>> {
    const { d, esc } = this;
    const ev = d.event!;
    const ms = this.ackMs();
    const group = tier === 'tier-2' ? ev.responseGroup : ev.techSupportGroup;
    const rungs: AckRung[] = [
      { step: 'posted', target: tier === 'tier-2' ? `the event channel (${d.flag === null ? '@here' : 'no @here'})` : `@${ev.techSupportGroup}`, timeoutMs: ms },
      { step: 'group', target: `@${group}`, timeoutMs: ms },
      { step: 'lead', target: `the event's lead (${ev.lead})`, person: ev.lead, timeoutMs: ms },
    ];
    const then: Record<AckRung['step'], string> = {
      posted: `then a reminder to @${group}`,
      group: "then a reminder to the event's lead",
      lead: 'the last reminder went to the lead',
    };
    const acknowledged = () => (tier === 'tier-2' ? d.acknowledgedAt !== null : d.techAcknowledgedAt !== null);
    const result = await runLadder(esc, {
      id: `ack-${tier}`,
      rungs,
      acknowledged,
      stopped: () => this.decided || d.carriedOver,
      onAttempt: (rung, _attempt, dueAt) => {
        esc.deadlines.add(ACK_DEADLINE[tier], dueAt, 0, `Acknowledgement by ${tier === 'tier-2' ? 'the response team' : 'tech support'} (${then[rung.step]})`);
      },
      notify: async (rung) => {
        if (rung.step === 'posted') return;
        const after = Math.round((rungs.indexOf(rung) * ms) / 60_000);
        await this.say(`reminder-${tier}-${rung.step}`, reminderPost(rung.step === 'group' ? { group } : { person: ev.lead }, tier, after));
      },
      summary: (rung) => `${tier} acknowledgement: ${then[rung.step]}`,
    });
    if (!acknowledged()) esc.deadlines.clear(ACK_DEADLINE[tier]);
    if (result.outcome === 'exhausted') {
      esc.timeline.add('ladder-exhausted', `No acknowledgement from ${tier === 'tier-2' ? 'the response team' : 'tech support'}: the group and the lead were reminded`, 'engine', {
        ladder: `ack-${tier}`,
      });
    }
    return result;
  }

  /** Tier 2 or 3 acknowledged: the thread says who and how soon. */
  async announceAcknowledgement(tier: Tier): Promise<void> {
    const { d } = this;
    const from = tier === 'tier-2' ? d.raisedAt : (d.escalatedAt ?? d.raisedAt);
    const at = tier === 'tier-2' ? d.acknowledgedAt : d.techAcknowledgedAt;
    const by = (tier === 'tier-2' ? d.acknowledgedBy : d.techAcknowledgedBy) ?? 'someone';
    if (!at) return;
    await this.say(`acknowledged-${tier}`, acknowledgedPost(tier, by, formatDuration(Date.parse(at) - Date.parse(from))));
  }

  /** The outcome, final: search attribute, status, deadlines cleared (kit), figures. */
  decide(outcome: GamedayOutcome, by: string, answer: string | null, reason: string | null, detail: string): void {
    // Decided by an event: when that event happened; by a deadline: now.
    this.d.resolution = { outcome, at: new Date(this.esc.eventInstant()).toISOString(), by, answer, reason };
    this.esc.decide(outcome, outcome, detail);
    upsertSearchAttributes([{ key: gamedayOutcomeKey, value: outcome }]);
    this.refresh();
  }

  /**
   * The playbook's search attributes, for an issue started without them (the API sets them at the
   * start; other starters may not): the summary finds the event's issues by them.
   */
  ensureSearchAttributes(): void {
    const have = workflowInfo().typedSearchAttributes;
    const missing = [
      { key: gamedayEventKey, value: this.input.event },
      { key: gamedayTierKey, value: this.d.tier },
      { key: gamedayOutcomeKey, value: 'open' },
    ].filter((p) => have.get(p.key) === undefined);
    if (missing.length > 0) upsertSearchAttributes(missing);
  }

  /** Tier 3 from now on (search attribute). */
  reachTier3(): void {
    this.d.tier = 'tier-3';
    upsertSearchAttributes([{ key: gamedayTierKey, value: 'tier-3' }]);
  }

  /** Status, what it waits for, the figures in the memo (when they changed) and the Web UI's details, from the details. */
  refresh(): void {
    const { d, esc } = this;
    if (!this.decided) {
      const status: GamedayStatus = d.carriedOver
        ? 'carried-over'
        : d.tier === 'tier-3'
          ? d.techAcknowledgedAt
            ? 'tech-support-working'
            : 'awaiting-tech-support'
          : d.acknowledgedAt
            ? 'acknowledged'
            : 'awaiting-acknowledgement';
      if (status !== esc.status) esc.setStatus(status);
      const acked = d.tier === 'tier-2' ? d.acknowledgedAt !== null : d.techAcknowledgedAt !== null;
      esc.waitingFor = [...(acked ? [] : ['acknowledged']), ...(d.tier === 'tier-2' ? ['escalated-to-tech-support'] : []), 'resolved', 'workaround', 'follow-up'];
    }
    const figures = this.figures();
    const serialised = JSON.stringify(figures);
    if (serialised !== this.published) {
      upsertMemo({ [FIGURES_MEMO_KEY]: figures });
      this.published = serialised;
    }
    setCurrentDetails(this.webUiDetails());
  }

  figures(): GamedayFigures {
    const { d } = this;
    return {
      raisedAt: d.raisedAt,
      acknowledgedAt: d.acknowledgedAt,
      escalatedAt: d.escalatedAt,
      techAcknowledgedAt: d.techAcknowledgedAt,
      decidedAt: d.resolution?.at ?? null,
      outcome: d.resolution?.outcome ?? null,
      tier: d.tier,
      title: issueTitle(this.input),
      threadUrl: d.threadUrl,
      carriedOver: d.carriedOver,
    };
  }

  /** Markdown for the Web UI: status, the Slack thread and the event's summary workflow (engine data only, no user text). */
  private webUiDetails(): string {
    const { d, esc } = this;
    const ev = d.event;
    const summaryPath = `/namespaces/${encodeURIComponent(workflowInfo().namespace)}/workflows/${encodeURIComponent(d.summary.workflowId)}`;
    const next = esc.deadlines.list()[0];
    return [
      `**${esc.status}** (${d.tier})${ev ? ` at ${ev.name}` : ''}${d.flag ? `: flagged, ${d.flag}` : ''}`,
      d.threadUrl ? `Slack thread: [${d.threadUrl}](${d.threadUrl})` : 'Slack thread: not posted yet',
      `Gameday summary: [${d.summary.workflowId}](${summaryPath}) (${d.summary.registration}${ev ? `, posted at ${this.local(ev.end)}` : ''})`,
      next ? `Next deadline: ${next.name} at ${this.local(next.at)}` : '',
    ]
      .filter((l) => l !== '')
      .join('\n\n');
  }
}
