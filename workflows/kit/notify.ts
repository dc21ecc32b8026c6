// Outgoing messages as activities. A message that fails for good (bad channel, rejected address)
// is recorded on the timeline and the escalation goes on: a failed Slack post must not stop the
// client email, and vice versa. Every message is also listed in the state (`messages`).
import type { PostSlackMessageInput, SendTemplateEmailInput, SlackButton } from '../../activities/index.js';
import { messaging } from './activities.js';
import type { AnyEscalation } from './escalation.js';
import { failureReason } from './failures.js';
import type { SlackText } from './slack-text.js';
import { nowIso } from './time.js';

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
    const posted = await messaging.postSlackMessage({ escalationId: esc.escalationId, ...input, text: input.text.mrkdwn });
    const to = 'channel' in input.target ? `#${input.target.channel}` : `dm:${input.target.dm}`;
    esc.messages.push({ step: input.step, channel: 'slack', to, at: nowIso(), ref: posted.ts });
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

/** Replaces a posted message's text (e.g. marks the alert resolved). */
export async function updateSlack(esc: AnyEscalation, step: string, channel: string, ts: string, text: SlackText): Promise<void> {
  try {
    // Older histories recorded no result (undefined); the fallback field is new.
    const updated = await messaging.updateSlackMessage({ channel, ts, text: text.mrkdwn, escalationId: esc.escalationId, step });
    if (updated?.fallback === 'message-gone') {
      esc.timeline.add('slack-posted', `Slack message for '${step}' is gone: its update was posted in the channel`, 'engine', { channel, ts: updated.ts });
    }
  } catch (err) {
    esc.timeline.add('step-failed', `Slack update '${step}' failed: ${failureReason(err)}`, 'engine');
  }
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

/** The same DM to each person once (step `<step>-<person>`), in order. */
export async function dm(esc: AnyEscalation, step: string, people: string[], text: SlackText, buttons?: SlackButton[]): Promise<void> {
  for (const person of [...new Set(people)]) {
    await postSlack(esc, { step: `${step}-${person}`, target: { dm: person }, text, ...(buttons && { buttons }) });
  }
}

/** A templated email; false when it failed for good (recorded on the timeline). */
export async function sendEmail(esc: AnyEscalation, input: Omit<SendTemplateEmailInput, 'escalationId'>): Promise<boolean> {
  try {
    const sent = await messaging.sendTemplateEmail({ escalationId: esc.escalationId, ...input });
    esc.messages.push({ step: input.step, channel: 'email', to: sent.to, at: nowIso(), ref: sent.messageId, subject: sent.subject });
    esc.timeline.add('email-sent', `Email '${input.template}' sent to ${sent.to}${sent.cc.length ? `, cc ${sent.cc.join(', ')}` : ''}`, 'engine', {
      subject: sent.subject,
      messageId: sent.messageId,
    });
    return true;
  } catch (err) {
    esc.timeline.add('step-failed', `Email '${input.template}' not sent: ${failureReason(err)}`, 'engine');
    return false;
  }
}
