// Slack activities: posts, thread replies, updates and DMs through the real @slack/web-api client.
import { Context } from '@temporalio/activity';
import type { WebClient } from '@slack/web-api';
import type { Directory } from '../src/directory.js';
import { permanent, slackFailure } from './failures.js';

/** Where a message goes: a directory channel, or a DM to a directory person. */
export type SlackTarget = { channel: string } | { dm: string };

export interface PostSlackMessageInput {
  escalationId: string;
  /** Names the step; with the escalation id it is the idempotency key of this post. */
  step: string;
  target: SlackTarget;
  /** May contain `@{person-key}`, `@{group:group-key}` and `@{here}`, resolved from the directory. */
  text: string;
  /** Reply in this thread (ts of the parent message). */
  threadTs?: string;
}

export interface PostedSlackMessage {
  channel: string;
  ts: string;
  /** Resolved Slack mentions, for the timeline. */
  mentions: string[];
  /** True when an earlier attempt had already posted it (found by its metadata). */
  deduplicated: boolean;
}

export interface UpdateSlackMessageInput {
  channel: string;
  ts: string;
  text: string;
}

const EVENT_TYPE = 'escalation_step';

export function slackActivities({ slack, directory }: { slack: WebClient; directory: Directory }) {
  function resolveMentions(text: string): { text: string; mentions: string[] } {
    const mentions: string[] = [];
    const resolved = text.replace(/@\{([a-z0-9:-]+)\}/g, (_, ref: string) => {
      let token: string;
      if (ref === 'here') token = '<!here>';
      else if (ref.startsWith('group:')) {
        const group = directory.group(ref.slice('group:'.length));
        token = group.slackUserGroupId ? `<!subteam^${group.slackUserGroupId}>` : `@${group.name}`;
      } else {
        const person = directory.person(ref);
        token = person.slackUserId ? `<@${person.slackUserId}>` : person.name;
      }
      mentions.push(token);
      return token;
    });
    return { text: resolved, mentions };
  }

  const idsByName = new Map<string, string>();
  /** History look-ups need the channel id; directories may name a channel only by its name. */
  async function idOfChannelNamed(name: string): Promise<string> {
    const known = idsByName.get(name);
    if (known) return known;
    for await (const page of slack.paginate('conversations.list', { types: 'public_channel,private_channel', limit: 200 })) {
      for (const c of (page as { channels?: { id?: string; name?: string }[] }).channels ?? []) {
        if (c.id && c.name) idsByName.set(c.name, c.id);
      }
      if (idsByName.has(name)) break;
    }
    const id = idsByName.get(name);
    if (!id) throw permanent(`Slack channel #${name} not found`);
    return id;
  }

  async function channelId(target: SlackTarget): Promise<string> {
    if ('channel' in target) {
      const channel = directory.channel(target.channel);
      return channel.id ?? (await idOfChannelNamed(channel.name));
    }
    const person = directory.person(target.dm);
    if (!person.slackUserId) throw permanent(`cannot DM ${target.dm}: no slackUserId in the directory`);
    const opened = await slack.conversations.open({ users: person.slackUserId });
    return opened.channel!.id!;
  }

  /** After an ambiguous failure (e.g. a timeout after Slack accepted), find the earlier post. */
  async function findEarlierPost(channel: string, key: string, threadTs?: string) {
    const page = threadTs
      ? await slack.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 })
      : await slack.conversations.history({ channel, include_all_metadata: true, limit: 100 });
    return page.messages?.find(
      (m) => m.metadata?.event_type === EVENT_TYPE && (m.metadata.event_payload as { key?: string })?.key === key,
    );
  }

  return {
    async postSlackMessage(input: PostSlackMessageInput): Promise<PostedSlackMessage> {
      const key = `${input.escalationId}/${input.step}`;
      try {
        const channel = await channelId(input.target);
        const { text, mentions } = resolveMentions(input.text);
        if (Context.current().info.attempt > 1) {
          const earlier = await findEarlierPost(channel, key, input.threadTs);
          if (earlier?.ts) return { channel, ts: earlier.ts, mentions, deduplicated: true };
        }
        const posted = await slack.chat.postMessage({
          channel,
          text,
          ...(input.threadTs && { thread_ts: input.threadTs }),
          metadata: { event_type: EVENT_TYPE, event_payload: { key, escalation_id: input.escalationId, step: input.step } },
        });
        return { channel: posted.channel ?? channel, ts: posted.ts!, mentions, deduplicated: false };
      } catch (err) {
        throw slackFailure(err, `Slack post '${input.step}'`);
      }
    },

    async updateSlackMessage(input: UpdateSlackMessageInput): Promise<void> {
      try {
        await slack.chat.update({ channel: input.channel, ts: input.ts, text: input.text });
      } catch (err) {
        throw slackFailure(err, 'Slack update');
      }
    },
  };
}
