// gameday-issue (seed 001): one issue raised during a virtual event, tier by tier in the event's Slack
// channel. Tier 1 (the client team) raises it; the completed template goes to the event's channel
// (with @here while the event is live) and everything after it goes to that post's thread. The
// client-success response team (tier 2) acknowledges, or is reminded (the group, then the event's
// lead); they may escalate to tech support (tier 3), who get the same ladder. The outcome (resolved,
// workaround, or a follow-up after the event) marks the original post, and the client team member
// who raised it is told in the thread. Every issue joins its event's gameday summary.
import { workflowInfo } from '@temporalio/workflow';
import { outOfOrder } from '../kit/messages.js';
import { closeRemainingPosts, updateSlack } from '../kit/notify.js';
import type { GamedayIssueEvent, GamedayIssueInput, GamedayIssueState } from './contract.js';
import { ACK_DEADLINE, FOLLOW_UP_CLOSE, GamedayIssue } from './issue.js';
import { eventEndedPost, markedPost, outcomePost, techSupportPost } from './texts.js';

export async function gamedayIssue(input: GamedayIssueInput): Promise<GamedayIssueState> {
  const s = new GamedayIssue(input);
  const { esc, agenda, d } = s;
  s.ensureSearchAttributes();
  esc.recordOpening(
    `Issue raised at ${input.event}: ${input.affected}, ${input.usersAffected} user(s), urgency ${input.urgency}`,
    input.raisedBy,
    input.reportedBy !== undefined && input.reportedBy !== input.raisedBy ? { reportedBy: input.reportedBy } : undefined,
  );
  // After the opening, before the first await: an event that came with the start is applied here.
  esc.handleEvents<GamedayIssueEvent>({ validate: (event) => validate(s, event), apply: (event) => apply(s, event) });
  s.refresh();

  if (!(await s.loadEvent())) {
    if (!s.decided) {
      s.decide('follow-up', 'engine', null, `event '${input.event}' is not configured`, `The directory file has no gameday event '${input.event}': the issue could not be posted; follow it up by hand`);
    }
    return esc.state();
  }
  s.judgeWindow();
  s.refresh();
  await s.joinSummary();
  await s.postIssue();
  // The acknowledgement time counts from the post (its timer starts in this very workflow task).
  if (!s.decided) s.ladders.push(s.ackLadder('tier-2'));
  await s.linkThread();

  const ev = d.event!;
  agenda.on('event-end', async () => {
    if (s.decided) return;
    d.carriedOver = true;
    esc.deadlines.clear(ACK_DEADLINE['tier-2']);
    esc.deadlines.clear(ACK_DEADLINE['tier-3']);
    esc.timeline.add('deadline-passed', `${ev.name} ended with the issue open: it goes on the follow-up list, reminders stop`, 'engine', { deadline: 'event-end' });
    s.refresh();
    await s.say('event-ended', eventEndedPost(ev));
  });
  agenda.on(FOLLOW_UP_CLOSE, async () => {
    esc.timeline.add('deadline-passed', `Still open ${ev.followUpDays} days after the event`, 'engine', { deadline: 'follow-up-close' });
    s.decide('follow-up', 'engine', null, `still open ${ev.followUpDays} days after the event`, `No outcome within ${ev.followUpDays} days after the event: closed as a follow-up`);
  });
  await agenda.run();

  const r = d.resolution!;
  await s.say('outcome', outcomePost(input, r.outcome, r, r.by === 'engine'));
  if (d.thread) await updateSlack(esc, 'mark-outcome', d.thread.channel, d.thread.ts, markedPost(input, ev, r.outcome, r.at));
  await Promise.all(s.ladders);
  s.refresh();
  // Every post whose buttons still work says how the escalation ended (issue 16 item 9).
  await closeRemainingPosts(esc);
  return esc.state();
}

/**
 * Events that make no sense now are refused (HTTP 409); resolutions are welcome at any tier, also
 * after the event's end. The follow-up deadline closes every event from its instant on (the kit
 * refuses them naming it, whether or not its timer's handler has run).
 */
function validate(s: GamedayIssue, event: GamedayIssueEvent): void {
  const { d } = s;
  if (event.type === 'acknowledged') {
    if (d.tier === 'tier-2' && d.acknowledgedAt) outOfOrder(`already acknowledged by ${d.acknowledgedBy ?? 'someone'} at ${d.acknowledgedAt}`);
    if (d.tier === 'tier-3' && d.techAcknowledgedAt) outOfOrder(`tech support already acknowledged (${d.techAcknowledgedBy ?? 'someone'} at ${d.techAcknowledgedAt})`);
  }
  if (event.type === 'escalated-to-tech-support' && d.tier === 'tier-3') outOfOrder(`already escalated to tech support at ${d.escalatedAt}`);
}

function apply(s: GamedayIssue, event: GamedayIssueEvent): void {
  const { d, esc, agenda } = s;
  // When it happened (the API received it), not when a worker got to it.
  const at = new Date(esc.eventInstant()).toISOString();
  const by = event.actor ?? 'someone';
  switch (event.type) {
    case 'acknowledged': {
      const tier = d.tier;
      if (tier === 'tier-2') {
        d.acknowledgedAt = at;
        d.acknowledgedBy = by;
      } else {
        d.techAcknowledgedAt = at;
        d.techAcknowledgedBy = by;
      }
      esc.deadlines.clear(ACK_DEADLINE[tier]);
      agenda.later(() => s.announceAcknowledgement(tier));
      break;
    }
    case 'escalated-to-tech-support': {
      // Escalating is taking the issue: it acknowledges tier 2 if nobody had.
      if (!d.acknowledgedAt) {
        d.acknowledgedAt = at;
        d.acknowledgedBy = by;
      }
      esc.deadlines.clear(ACK_DEADLINE['tier-2']);
      s.reachTier3();
      d.escalatedAt = at;
      d.escalatedBy = by;
      d.facts = event.facts ?? null;
      if (d.event && !d.carriedOver) esc.deadlines.add(ACK_DEADLINE['tier-3'], at, s.ackMs(), 'Acknowledgement by tech support (then a reminder to the tech-support group)');
      agenda.later(async () => {
        if (!d.event) return;
        await s.say('tech-support', techSupportPost(s.input, d.event, by, d.facts), [{ event: 'acknowledged', label: 'Acknowledge (tech support)', style: 'primary' }]);
        if (!s.decided && !d.carriedOver) s.ladders.push(s.ackLadder('tier-3'));
      });
      break;
    }
    case 'resolved':
      s.decide('resolved', by, event.answer, null, `Resolved by ${by}`);
      break;
    case 'workaround':
      s.decide('workaround', by, event.answer, null, `Workaround given by ${by}`);
      break;
    case 'follow-up':
      s.decide('follow-up', by, event.answer ?? null, event.reason, `Cannot be fixed during the event (${by}): follow-up after it`);
      break;
  }
  s.refresh();
  agenda.changed();
}
