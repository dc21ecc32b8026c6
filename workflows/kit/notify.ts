// Outgoing messages as activities. A message that fails for good (bad channel, rejected address)
// is recorded on the timeline and the escalation goes on: a failed Slack post must not stop the
// client email, and vice versa.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities, PostSlackMessageInput, SendTemplateEmailInput } from '../../activities/index.js';
import type { Escalation } from './escalation.js';

const { postSlackMessage, updateSlackMessage, sendTemplateEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Within a deadline-driven SOP a message that cannot get through in 10 minutes is reported, not retried forever.
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function reason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  if (err instanceof ApplicationFailure) return err.message;
  return err instanceof Error ? err.message : String(err);
}

type AnyEscalation = Escalation<string, unknown>;

export async function postSlack(
  esc: AnyEscalation,
  input: Omit<PostSlackMessageInput, 'escalationId'>,
): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const posted = await postSlackMessage({ escalationId: esc.escalationId, ...input });
    const to = 'channel' in input.target ? `#${input.target.channel}` : `dm:${input.target.dm}`;
    esc.messages.push({ step: input.step, channel: 'slack', to, at: new Date(Date.now()).toISOString(), ref: posted.ts });
    const where = posted.fallback === 'thread-gone' ? ' (its thread is gone: posted in the channel)' : input.threadTs ? ' (thread)' : '';
    esc.timeline.add('slack-posted', `Slack message '${input.step}' posted to ${to}${where}`, 'engine', {
      channel: posted.channel,
      ts: posted.ts,
      mentions: posted.mentions,
    });
    return posted;
  } catch (err) {
    esc.timeline.add('step-failed', `Slack message '${input.step}' not delivered: ${reason(err)}`, 'engine');
    return undefined;
  }
}

export async function updateSlack(esc: AnyEscalation, step: string, channel: string, ts: string, text: string): Promise<void> {
  try {
    // Older histories recorded no result (undefined); the fallback field is new.
    const updated = await updateSlackMessage({ channel, ts, text, escalationId: esc.escalationId, step });
    if (updated?.fallback === 'message-gone') {
      esc.timeline.add('slack-posted', `Slack message for '${step}' is gone: its update was posted in the channel`, 'engine', { channel, ts: updated.ts });
    }
  } catch (err) {
    esc.timeline.add('step-failed', `Slack update '${step}' failed: ${reason(err)}`, 'engine');
  }
}

export async function sendEmail(esc: AnyEscalation, input: Omit<SendTemplateEmailInput, 'escalationId'>): Promise<boolean> {
  try {
    const sent = await sendTemplateEmail({ escalationId: esc.escalationId, ...input });
    esc.messages.push({
      step: input.step,
      channel: 'email',
      to: sent.to,
      at: new Date(Date.now()).toISOString(),
      ref: sent.messageId,
      subject: sent.subject,
    });
    esc.timeline.add('email-sent', `Email '${input.template}' sent to ${sent.to}${sent.cc.length ? `, cc ${sent.cc.join(', ')}` : ''}`, 'engine', {
      subject: sent.subject,
      messageId: sent.messageId,
    });
    return true;
  } catch (err) {
    esc.timeline.add('step-failed', `Email '${input.template}' not sent: ${reason(err)}`, 'engine');
    return false;
  }
}
