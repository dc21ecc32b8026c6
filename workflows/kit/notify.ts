// Outgoing messages as activities. A message that fails for good (bad channel, rejected address)
// is recorded on the timeline and the escalation goes on: a failed Slack post must not stop the
// client email, and vice versa. Every message is also listed in the state (`messages`).
//
// A post with buttons stays pressable until the kit closes it (issue 16 item 9): the escalation
// keeps every such post (`livePosts`); a ladder or call task closes its requests when it asks again,
// is answered or ends, and `closeRemainingPosts` closes the rest when the escalation ends. Closing
// is a chat.update that keeps the text, drops the buttons and adds a line saying how it ended.
import { patched } from '@temporalio/workflow';
import type { PostSlackMessageInput, SendTemplateEmailInput, SlackButton } from '../../activities/index.js';
import { messaging, summary } from './activities.js';
import type { AnyEscalation } from './escalation.js';
import { failureReason } from './failures.js';
import { postedText, slack, type SlackText } from './slack-text.js';
import type { LivePost } from './state.js';
import { localTime, nowIso } from './time.js';

/**
 * patched() id: posts with buttons are closed (buttons removed, a line says how they ended) when
 * their request is answered, superseded or no longer needed, and when the escalation ends; before,
 * only the playbooks' own updates touched them and the rest stayed pressable for ever.
 */
export const CLOSE_BUTTON_POSTS = 'kit-close-button-posts';

/**
 * A Slack message: `channel` is a directory channel key or a Slack channel id, `dm` a directory
 * person; the text is built with `slack`…`` (kit/slack-text.ts), so values in it are escaped.
 */
export type SlackPost = Omit<PostSlackMessageInput, 'escalationId' | 'text'> & { text: SlackText };
/** Where a posted message is, to reply in its thread or update it. */
export interface PostedRef {
  channel: string;
  ts: string;
}

/** Posts to a channel, a thread or a DM; undefined when it failed for good (recorded on the timeline). */
export async function postSlack(esc: AnyEscalation, input: SlackPost): Promise<PostedRef | undefined> {
  try {
    const to = 'channel' in input.target ? `#${input.target.channel}` : `dm:${input.target.dm}`;
    const posted = await messaging.postSlackMessage.executeWithOptions(
      summary(`Slack '${input.step}' to ${'dm' in input.target ? `${input.target.dm} (DM)` : to}${input.threadTs ? ' (thread)' : ''}`),
      [{ escalationId: esc.escalationId, ...input }],
    );
    esc.messages.push({ step: input.step, channel: 'slack', to, at: nowIso(), ref: posted.ts });
    if (input.buttons && input.buttons.length > 0) esc.livePosts.push({ step: input.step, channel: posted.channel, ts: posted.ts, text: input.text.mrkdwn });
    const where = posted.fallback === 'thread-gone' ? ' (its thread is gone: posted in the channel)' : input.threadTs ? ' (thread)' : '';
    esc.timeline.add('slack-posted', `Slack message '${input.step}' posted to ${to}${where}`, 'engine', {
      channel: posted.channel,
      ts: posted.ts,
      mentions: posted.mentions,
    });
    return posted;
  } catch (err) {
    esc.timeline.add('step-failed', `Slack message '${input.step}' not delivered: ${failureReason(err)}`, 'engine');
    return undefined;
  }
}

/**
 * Replaces a posted message's text (e.g. marks the alert resolved). An update replaces the whole
 * message: `buttons` are the ones that remain (none: the old buttons go, and the kit no longer
 * counts the post as live). `note`: a context line under the text (how the message's task ended).
 */
export async function updateSlack(
  esc: AnyEscalation,
  step: string,
  channel: string,
  ts: string,
  text: SlackText,
  buttons?: SlackButton[],
  note?: SlackText,
): Promise<void> {
  const live = esc.livePosts.findIndex((p) => p.channel === channel && p.ts === ts);
  if (live >= 0 && buttons && buttons.length > 0) esc.livePosts[live]!.text = text.mrkdwn;
  else if (live >= 0) esc.livePosts.splice(live, 1);
  try {
    // Older histories recorded no result (undefined); the fallback field is new.
    const updated = await messaging.updateSlackMessage.executeWithOptions(summary(`Slack update '${step}' of the message in ${channel}`), [
      {
        channel,
        ts,
        text,
        escalationId: esc.escalationId,
        step,
        ...(buttons && buttons.length > 0 && { buttons }),
        ...(note && { note }),
      },
    ]);
    if (updated?.fallback === 'message-gone') {
      esc.timeline.add('slack-posted', `Slack message for '${step}' is gone: its update was posted in the channel`, 'engine', { channel, ts: updated.ts });
    }
  } catch (err) {
    esc.timeline.add('step-failed', `Slack update '${step}' failed: ${failureReason(err)}`, 'engine');
  }
}

/** The live posts `sent` names (a ladder's notify result: a PostedRef, or a list of them as `dm` answers). */
export function livePostsOf(esc: AnyEscalation, sent: unknown): LivePost[] {
  const refs: unknown[] = Array.isArray(sent) ? sent : [sent];
  return refs.flatMap((ref) => {
    if (typeof ref !== 'object' || ref === null) return [];
    const { channel, ts } = ref as Partial<PostedRef>;
    return esc.livePosts.filter((p) => p.channel === channel && p.ts === ts);
  });
}

/** "Mon 23 Nov, 10:15 CST": when a post was closed, in the escalation's zone. */
export const closedAt = (esc: AnyEscalation): string => localTime(Date.now(), esc.timeZone);

/**
 * Closes `posts` that are still live: each is updated to its text without buttons, with `note`
 * under it (e.g. "Done: call-outcome (reached) reported by desk-agent at ..."). The updates go out
 * together; one that fails is on the timeline and the post is no longer tracked either way.
 */
export async function closePosts(esc: AnyEscalation, posts: readonly LivePost[], note: SlackText): Promise<void> {
  const open = posts.filter((p) => esc.livePosts.includes(p));
  if (open.length === 0) return;
  for (const p of open) esc.livePosts.splice(esc.livePosts.indexOf(p), 1);
  if (!patched(CLOSE_BUTTON_POSTS)) return;
  await Promise.all(open.map((p) => updateSlack(esc, `${p.step}-closed`, p.channel, p.ts, postedText(p.text), undefined, note)));
}

/**
 * When the escalation ends (the last step of every playbook's workflow): every post whose buttons
 * still work is closed, "Closed: escalation <outcome> at <time>".
 */
export function closeRemainingPosts(esc: AnyEscalation): Promise<void> {
  return closePosts(esc, [...esc.livePosts], slack`:white_check_mark: Closed: escalation ${esc.outcome ?? esc.status} at ${closedAt(esc)}`);
}

/**
 * A reply in `thread` (or, when the thread's first post never got through, a new post in the
 * channel): how an escalation keeps its updates together in one Slack thread.
 */
export function replyInThread(
  esc: AnyEscalation,
  channel: string,
  thread: PostedRef | null,
  step: string,
  text: SlackText,
  buttons?: SlackButton[],
): Promise<PostedRef | undefined> {
  return postSlack(esc, { step, target: { channel }, text, ...(thread && { threadTs: thread.ts }), ...(buttons && { buttons }) });
}

/** The same DM to each person once (step `<step>-<person>`), in order: the DMs that got through. */
export async function dm(esc: AnyEscalation, step: string, people: string[], text: SlackText, buttons?: SlackButton[]): Promise<PostedRef[]> {
  const sent: PostedRef[] = [];
  for (const person of [...new Set(people)]) {
    const posted = await postSlack(esc, { step: `${step}-${person}`, target: { dm: person }, text, ...(buttons && { buttons }) });
    if (posted) sent.push(posted);
  }
  return sent;
}

/**
 * patched() id: an email that failed for good is told to the people who must reach the recipient
 * another way (`SendEmailOptions.tell`), not only recorded on the timeline. Asked only when an email
 * failed, so histories in which every email went out replay as recorded.
 */
export const EMAIL_FAILURE_TOLD = 'kit-email-failure-told';

export interface SendEmailOptions {
  /**
   * Tells the people working the escalation that the email did not go (with the reason), so someone
   * reaches the recipient another way; e.g. a reply in the playbook's thread. Its own failure is recorded
   * like any post's.
   */
  tell?: (reason: string) => Promise<unknown>;
}

/** A templated email; false when it failed for good (recorded on the timeline, and told: `opts.tell`). */
export async function sendEmail(esc: AnyEscalation, input: Omit<SendTemplateEmailInput, 'escalationId'>, opts: SendEmailOptions = {}): Promise<boolean> {
  let reason: string;
  try {
    const cc = input.ccPeople.length ? `, cc ${input.ccPeople.join(', ')}` : '';
    const sent = await messaging.sendTemplateEmail.executeWithOptions(
      summary(`Email '${input.step}' (template ${input.template}, ${input.locale}) to ${input.to.name}${cc}`),
      [{ escalationId: esc.escalationId, ...input }],
    );
    esc.messages.push({ step: input.step, channel: 'email', to: sent.to, at: nowIso(), ref: sent.messageId, subject: sent.subject });
    esc.timeline.add('email-sent', `Email '${input.template}' sent to ${sent.to}${sent.cc.length ? `, cc ${sent.cc.join(', ')}` : ''}`, 'engine', {
      subject: sent.subject,
      messageId: sent.messageId,
    });
    return true;
  } catch (err) {
    reason = failureReason(err);
    esc.timeline.add('step-failed', `Email '${input.template}' not sent: ${reason}`, 'engine');
  }
  if (opts.tell && patched(EMAIL_FAILURE_TOLD)) await opts.tell(reason);
  return false;
}
