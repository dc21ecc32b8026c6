// Slack activities: posts (plain text or Block Kit with a text fallback, optionally with buttons),
// thread replies, updates and DMs through the real @slack/web-api client, plus escalation channels
// (slack-channels.ts).
//
// Delivery: at least once, with duplicates avoided. Every post carries message metadata
// `escalation_step` with the key `<escalation id>/<step>`; on a retry (attempt > 1) the activity
// first looks for a message with that key in the channel (or thread) since the activity was
// scheduled and returns it instead of posting again. So a timeout after Slack accepted the post,
// or a worker crash before the result reached Temporal, does not double-post.
//
// A thread that is gone (its parent deleted, or a workspace that lost it: Slack answers
// thread_not_found / message_not_found) does not fail the step for good: the reply is posted in the
// channel instead, naming (and, with PUBLIC_URL, linking) the escalation, so the people following it
// still see it. The same holds for an update of a message that is gone.
import { Context } from '@temporalio/activity';
import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Directory } from '../src/directory.js';
import { permanent, slackFailure } from './failures.js';
import { mapBlockTexts, messageBlocks, noteBlock, textSections, type SlackBlock, type SlackButton } from './slack-blocks.js';
import { slackChannelActivities } from './slack-channels.js';
import type { SlackText } from '../workflows/kit/slack-text.js';

/**
 * Where a message goes: a channel (a directory key, or a Slack channel id such as the one
 * createEscalationChannel returns), or a DM to a directory person.
 */
export type SlackTarget = { channel: string } | { dm: string };

/** Slack conversation ids (C…, G…) are upper-case; directory keys are lower-case. */
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

export interface PostSlackMessageInput {
  escalationId: string;
  /** Names the step; with the escalation id it is the idempotency key of this post, so make it unique per message. */
  step: string;
  target: SlackTarget;
  /**
   * mrkdwn the engine built (`slack`…``: every user-supplied value escaped, issue 17 item 16); may
   * contain `@{person-key}`, `@{group:group-key}` and `@{here}`, resolved from the directory. With
   * blocks or buttons it is the notification / fallback text.
   */
  text: SlackText;
  /** Reply in this thread (ts of the parent message). */
  threadTs?: string;
  /** Block Kit blocks; mentions are resolved in their text objects too. */
  blocks?: SlackBlock[];
  /** Buttons that send escalation events; added as an actions block after the blocks (or after the text). */
  buttons?: SlackButton[];
}

export interface PostedSlackMessage {
  channel: string;
  ts: string;
  /** Resolved Slack mentions, for the timeline. */
  mentions: string[];
  /** True when an earlier attempt had already posted it (found by its metadata). */
  deduplicated: boolean;
  /** `thread-gone`: the thread's parent no longer exists, so it was posted in the channel instead. */
  fallback?: 'thread-gone';
}

export interface UpdatedSlackMessage {
  /** `message-gone`: the message no longer exists, so the new text was posted in the channel instead. */
  fallback?: 'message-gone';
  /** The fallback post's ts. */
  ts?: string;
}

export interface UpdateSlackMessageInput {
  channel: string;
  ts: string;
  /** The new text (built with `slack`…``; mentions resolved as for posts). */
  text: SlackText;
  /**
   * The new blocks. An update replaces the whole message: without blocks or buttons the old blocks
   * (and buttons) are removed, since Slack would otherwise keep showing them over the new text.
   */
  blocks?: SlackBlock[];
  /** The buttons that remain, e.g. only "resolve" after an acknowledgement; needs `escalationId`. */
  buttons?: SlackButton[];
  /**
   * A context line (built with `slack`…``) under the text, e.g. how a call task ended
   * ("Done: call-outcome reported by desk-agent"): the message keeps its text and gains the line.
   */
  note?: SlackText;
  escalationId?: string;
  /**
   * Names the update (e.g. `mark-resolved`). With `escalationId`, an update of a message that is gone
   * is posted in the channel instead (idempotency key `<escalation id>/<step>`); without, it fails.
   */
  step?: string;
}

export const SLACK_METADATA_EVENT_TYPE = 'escalation_step';

/** How far before the activity's first scheduling the look-up for an earlier post starts (clock skew). */
const LOOKBACK_MARGIN_MS = 5 * 60_000;
const LOOKUP_PAGES = 10;

export type Mentions = ReturnType<typeof mentionResolver>;

/** `@{person}`, `@{group:key}`, `@{here}` to Slack mentions (mrkdwn) or names (plain text). */
export function mentionResolver(directory: Directory) {
  function token(ref: string, kind: 'mrkdwn' | 'plain_text'): string {
    if (ref === 'here') return kind === 'mrkdwn' ? '<!here>' : '@here';
    if (ref.startsWith('group:')) {
      const group = directory.group(ref.slice('group:'.length));
      return kind === 'mrkdwn' && group.slackUserGroupId ? `<!subteam^${group.slackUserGroupId}>` : `@${group.name}`;
    }
    const person = directory.person(ref);
    return kind === 'mrkdwn' && person.slackUserId ? `<@${person.slackUserId}>` : person.name;
  }
  return {
    resolve(text: string, kind: 'mrkdwn' | 'plain_text' = 'mrkdwn', mentions: string[] = []): { text: string; mentions: string[] } {
      const resolved = text.replace(/@\{([a-z0-9:-]+)\}/g, (_, ref: string) => {
        const t = token(ref, kind);
        if (kind === 'mrkdwn' && !mentions.includes(t)) mentions.push(t);
        return t;
      });
      return { text: resolved, mentions };
    },
  };
}

/** Slack's answers for a thread parent or message that no longer exists. */
const GONE = new Set(['thread_not_found', 'message_not_found']);
const isGone = (err: unknown) => err instanceof WebAPIPlatformError && GONE.has(String(err.data.error));

/**
 * The mrkdwn of a text the workflow built: Temporal carries a SlackText as `{ mrkdwn }`. A bare
 * string is an attempt scheduled by an older worker, whose kit sent `SlackText.mrkdwn` as a string:
 * already the engine's mrkdwn, so kept.
 */
const mrkdwn = (text: SlackText | string): string => (typeof text === 'string' ? text : text.mrkdwn);

/** mrkdwn-escaped: the id is data. */
const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface SlackActivityDeps {
  slack: WebClient;
  directory: Directory;
  /** The API's public URL (PUBLIC_URL): fallback posts link `<url>/escalations/<id>`. */
  publicUrl?: string | undefined;
}

export function slackActivities({ slack, directory, publicUrl }: SlackActivityDeps) {
  const mentions = mentionResolver(directory);

  /** The escalation as a mrkdwn link (with PUBLIC_URL) or its id in code. */
  function escalationRef(escalationId: string): string {
    if (!publicUrl) return `\`${escapeMrkdwn(escalationId)}\``;
    const url = `${publicUrl.replace(/\/+$/, '')}/escalations/${encodeURIComponent(escalationId)}`;
    return `<${url}|${escapeMrkdwn(escalationId)}>`;
  }

  /** A note that heads a message posted in the channel because its thread or original is gone. */
  function goneNote(escalationId: string, what: 'thread' | 'message'): string {
    return what === 'thread'
      ? `:leftwards_arrow_with_hook: Escalation ${escalationRef(escalationId)}: its Slack thread is gone, so this update is posted here.`
      : `:leftwards_arrow_with_hook: Escalation ${escalationRef(escalationId)}: its original message is gone, so its update is posted here.`;
  }

  /** `message` headed by the note (as the first line of the text, and a context block before any blocks). */
  function withNote(message: { text: string; blocks?: SlackBlock[] | undefined }, note: string) {
    return {
      text: `${note}\n${message.text}`,
      ...(message.blocks && { blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: note }] } as SlackBlock, ...message.blocks] }),
    };
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
      if (SLACK_CHANNEL_ID.test(target.channel)) return target.channel;
      const channel = directory.channel(target.channel);
      return channel.id ?? (await idOfChannelNamed(channel.name));
    }
    const person = directory.person(target.dm);
    if (!person.slackUserId) throw permanent(`cannot DM ${target.dm}: no slackUserId in the directory`);
    const opened = await slack.conversations.open({ users: person.slackUserId });
    const id = opened.channel?.id;
    if (!id) throw permanent(`cannot DM ${target.dm}: Slack opened no conversation`);
    return id;
  }

  /**
   * A message with `note` under it and no buttons: the given blocks, or the message as Slack holds it
   * now (so the lines a button press added, "<@U…> pressed “Reached”", stay), or the text as sections
   * when it cannot be read. The note is added once however often the update is retried.
   */
  async function closedBlocks(channel: string, ts: string, text: string, given: SlackBlock[] | undefined, note: string): Promise<SlackBlock[]> {
    let current = given;
    if (!current) {
      const found = await slack.conversations
        .replies({ channel, ts, oldest: ts, latest: ts, inclusive: true, limit: 1 })
        .then((page) => page.messages?.find((m) => m.ts === ts)?.blocks as SlackBlock[] | undefined)
        .catch(() => undefined);
      // Slack holds the resolved mentions: kept as they are (the resolver only rewrites `@{…}` tokens).
      current = found?.filter((b) => b.type !== 'actions');
    }
    const kept = current && current.length > 0 ? current : textSections(text);
    const last = kept.at(-1);
    const hasNote = last?.type === 'context' && last.elements.some((e) => 'text' in e && e.text === note);
    return hasNote ? kept : [...kept, noteBlock(note)];
  }

  /** Text and blocks with mentions resolved; mentions collected from both. */
  function content(input: { escalationId?: string | undefined; text: SlackText; blocks?: SlackBlock[] | undefined; buttons?: SlackButton[] | undefined }) {
    const { text, mentions: found } = mentions.resolve(mrkdwn(input.text));
    let blocks = messageBlocks({
      escalationId: input.escalationId ?? '',
      text: mrkdwn(input.text),
      blocks: input.blocks,
      buttons: input.buttons,
    });
    if (blocks) blocks = mapBlockTexts(blocks, (t, kind) => mentions.resolve(t, kind, found).text);
    return { text, blocks, mentions: found };
  }

  /**
   * After an ambiguous failure (e.g. a timeout after Slack accepted), find the earlier post among the
   * channel's (or thread's) messages since the activity was first scheduled (at most 10 pages).
   */
  async function findEarlierPost(channel: string, key: string, threadTs?: string): Promise<{ ts?: string } | undefined> {
    try {
      return await lookUp(channel, key, threadTs);
    } catch (err) {
      // The thread is gone: an earlier attempt may have posted in the channel instead.
      if (threadTs && isGone(err)) return lookUp(channel, key, undefined);
      throw err;
    }
  }

  async function lookUp(channel: string, key: string, threadTs?: string) {
    const scheduled = Context.current().info.scheduledTimestampMs;
    const oldest = (Math.max(0, scheduled - LOOKBACK_MARGIN_MS) / 1000).toFixed(6);
    const pages = threadTs
      ? slack.paginate('conversations.replies', { channel, ts: threadTs, oldest, include_all_metadata: true, limit: 200 })
      : slack.paginate('conversations.history', { channel, oldest, include_all_metadata: true, limit: 200 });
    let seen = 0;
    for await (const page of pages) {
      const messages = (page as { messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: unknown } }[] }).messages ?? [];
      const found = messages.find(
        (m) => m.metadata?.event_type === SLACK_METADATA_EVENT_TYPE && (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
      );
      if (found?.ts) return found;
      if (++seen >= LOOKUP_PAGES) break;
    }
    return undefined;
  }

  /** One chat.postMessage carrying the step's idempotency key in its metadata. */
  async function post(
    channel: string,
    key: string,
    input: { escalationId: string; step: string },
    message: { text: string; blocks?: SlackBlock[] | undefined },
    threadTs: string | undefined,
  ): Promise<{ channel: string; ts: string }> {
    const posted = await slack.chat.postMessage({
      channel,
      text: message.text,
      ...(message.blocks && { blocks: message.blocks }),
      ...(threadTs && { thread_ts: threadTs }),
      metadata: {
        event_type: SLACK_METADATA_EVENT_TYPE,
        event_payload: { key, escalation_id: input.escalationId, step: input.step },
      },
    });
    if (!posted.ts) throw permanent(`Slack post '${input.step}': Slack returned no message ts`);
    return { channel: posted.channel ?? channel, ts: posted.ts };
  }

  return {
    async postSlackMessage(input: PostSlackMessageInput): Promise<PostedSlackMessage> {
      const key = `${input.escalationId}/${input.step}`;
      try {
        const message = content(input);
        const channel = await channelId(input.target);
        if (Context.current().info.attempt > 1) {
          const earlier = await findEarlierPost(channel, key, input.threadTs);
          if (earlier?.ts) return { channel, ts: earlier.ts, mentions: message.mentions, deduplicated: true };
        }
        try {
          const posted = await post(channel, key, input, message, input.threadTs);
          return { ...posted, mentions: message.mentions, deduplicated: false };
        } catch (err) {
          if (!input.threadTs || !isGone(err)) throw err;
          Context.current().log.warn('Slack thread is gone; posting in the channel instead', {
            escalationId: input.escalationId,
            step: input.step,
            channel,
            threadTs: input.threadTs,
          });
          const posted = await post(channel, key, input, withNote(message, goneNote(input.escalationId, 'thread')), undefined);
          return { ...posted, mentions: message.mentions, deduplicated: false, fallback: 'thread-gone' };
        }
      } catch (err) {
        throw slackFailure(err, `Slack post '${input.step}'`);
      }
    },

    /**
     * Idempotent by nature: the same update twice leaves the same message. A message that is gone
     * gets its new text posted in the channel instead (once per step: retries find it by its key).
     */
    async updateSlackMessage(input: UpdateSlackMessageInput): Promise<UpdatedSlackMessage> {
      try {
        if (input.buttons?.length && !input.escalationId) throw permanent('Slack update: buttons need the escalationId');
        const blocks = input.note ? await closedBlocks(input.channel, input.ts, mrkdwn(input.text), input.blocks, mrkdwn(input.note)) : input.blocks;
        const message = content({ ...input, blocks });
        try {
          await slack.chat.update({
            channel: input.channel,
            ts: input.ts,
            text: message.text,
            blocks: message.blocks ?? [],
          });
          return {};
        } catch (err) {
          if (!input.escalationId || !input.step || !isGone(err)) throw err;
          const ids = { escalationId: input.escalationId, step: input.step };
          const key = `${ids.escalationId}/${ids.step}`;
          const earlier = await findEarlierPost(input.channel, key);
          if (earlier?.ts) return { fallback: 'message-gone', ts: earlier.ts };
          Context.current().log.warn('Slack message to update is gone; posting in the channel instead', { ...ids, channel: input.channel, ts: input.ts });
          const posted = await post(input.channel, key, ids, withNote(message, goneNote(ids.escalationId, 'message')), undefined);
          return { fallback: 'message-gone', ts: posted.ts };
        }
      } catch (err) {
        throw slackFailure(err, 'Slack update');
      }
    },

    /** A posted message's permalink (`chat.getPermalink`), for links in the Web UI's details and in summaries. */
    async getSlackPermalink(input: { channel: string; ts: string }): Promise<{ permalink: string }> {
      try {
        const answer = await slack.chat.getPermalink({ channel: input.channel, message_ts: input.ts });
        if (!answer.permalink) throw permanent('Slack permalink: Slack returned none');
        return { permalink: answer.permalink };
      } catch (err) {
        throw slackFailure(err, 'Slack permalink');
      }
    },

    ...slackChannelActivities({ slack, directory }),
  };
}
