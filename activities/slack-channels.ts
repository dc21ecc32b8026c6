// A dedicated Slack channel per escalation (e.g. managed-service account escalations): named after
// the account, tagged with the escalation id in its purpose, members invited from the directory.
//
// Idempotent per escalation, not only per activity attempt: a channel whose purpose carries
// `[escalation:<id>]` is reused (a retry, a reset workflow, a second call), never duplicated.
// A name taken by someone else's channel gets a numeric suffix (`esc-acme-2`, `esc-acme-3`, ...).
// The first try is always `conversations.create` with the base name: the workspace is listed (every
// channel, page by page) only when that name is taken, which is also when this escalation's own
// channel can exist (made under the base name, or suffixed because the base name was taken). One
// case is not covered: a suffixed channel of ours whose base name was freed since (the other channel
// renamed or deleted) gets a second channel.
import { Context } from '@temporalio/activity';
import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Directory } from '../src/directory.js';
import { escapeMrkdwn, mrkdwnOf, truncateMrkdwn, type SlackText } from '../workflows/kit/slack-text.js';
import { permanent, slackFailure } from './failures.js';

export interface CreateEscalationChannelInput {
  escalationId: string;
  /** The channel is named after it: `esc-<account name, lower-case, a-z 0-9 - _>`. */
  accountName: string;
  /** Directory keys of the people to invite. */
  memberPeople: string[];
  /** Directory keys of groups whose members are invited too. */
  memberGroups?: string[];
  isPrivate?: boolean;
  /**
   * Channel topic, e.g. MRR, CRM link and case number (at most 250 characters; longer is cut). Slack
   * renders mentions and links in topics, so it is mrkdwn the engine built (`slack`…``), never a raw
   * value (issue 17 item 16).
   */
  topic?: SlackText;
  /** Name prefix; default `esc-`. */
  namePrefix?: string;
}

export interface EscalationChannel {
  channelId: string;
  name: string;
  /** False when the channel already existed for this escalation (an earlier attempt or call made it). */
  created: boolean;
  /** Slack user ids of the invited directory people (newly invited or already members). */
  members: string[];
  /** Directory people who could not be invited, and why (for the timeline). */
  notInvited: { person: string; reason: string }[];
}

export const CHANNEL_NAME_MAX = 80;
const PURPOSE_MAX = 250;
const TOPIC_MAX = 250;
const MAX_SUFFIX = 50;
/** Creation times are compared with the activity's scheduling time, with this much clock skew allowed. */
const CLOCK_MARGIN_MS = 5 * 60_000;

// Invite errors that concern one person, not the call: they go to notInvited and the rest go on.
const PERSON_INVITE_ERRORS = new Set([
  'user_not_found',
  'user_is_deactivated',
  'user_disabled',
  'cant_invite',
  'user_is_restricted',
  'user_is_ultra_restricted',
  'ura_max_channels',
  'cant_invite_self',
]);

// Letters that have no accent-free decomposition in Unicode.
const TRANSLITERATION: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** Lower-case, only a-z 0-9 - _, runs of separators collapsed, no separator at either end. */
export function slugForChannel(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // accents: "Müller" -> "Muller"
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => TRANSLITERATION[c] ?? c)
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/[-_]{2,}/g, (run) => (run.includes('-') ? '-' : '_'))
    .replace(/^[-_]+|[-_]+$/g, '');
}

/** The first-choice name: prefix + account slug (the escalation id's slug if the account name has no usable letters). */
export function channelBaseName(accountName: string, escalationId: string, prefix = 'esc-'): string {
  const cleanPrefix = prefix === '' ? '' : `${slugForChannel(prefix)}-`.replace(/^-$/, '');
  const slug = slugForChannel(accountName) || slugForChannel(escalationId) || 'escalation';
  return trimName(`${cleanPrefix}${slug}`, CHANNEL_NAME_MAX);
}

/** The n-th candidate (1 = the base itself, then `-2`, `-3`, ...), at most 80 characters. */
export function channelCandidate(base: string, n: number): string {
  if (n <= 1) return trimName(base, CHANNEL_NAME_MAX);
  const suffix = `-${n}`;
  return `${trimName(base, CHANNEL_NAME_MAX - suffix.length)}${suffix}`;
}

function trimName(name: string, max: number): string {
  return name.slice(0, max).replace(/[-_]+$/, '');
}

/** The tag in the channel's purpose that ties it to its escalation (as Slack holds it: mrkdwn-escaped). */
export function escalationMarker(escalationId: string): string {
  return `[escalation:${escapeMrkdwn(escalationId)}]`;
}

/** `Escalation: <account name> [escalation:<id>]`: the name is data (escaped: Slack renders mentions in purposes). */
export function purposeFor(accountName: string, escalationId: string): string {
  const marker = escalationMarker(escalationId);
  const text = escapeMrkdwn(`Escalation: ${accountName}`.replace(/\s+/g, ' ').trim());
  return `${truncateMrkdwn(text, PURPOSE_MAX - marker.length - 1)} ${marker}`;
}

interface ListedChannel {
  id?: string;
  name?: string;
  is_archived?: boolean;
  creator?: string;
  created?: number;
  purpose?: { value?: string };
  topic?: { value?: string };
}

const slackError = (err: unknown): string | undefined => (err instanceof WebAPIPlatformError ? String(err.data.error) : undefined);

export function slackChannelActivities({ slack, directory }: { slack: WebClient; directory: Directory }) {
  let botUserId: string | undefined;
  async function ownUserId(): Promise<string> {
    botUserId ??= (await slack.auth.test()).user_id ?? '';
    return botUserId;
  }

  async function listChannels(): Promise<ListedChannel[]> {
    const channels: ListedChannel[] = [];
    for await (const page of slack.paginate('conversations.list', {
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: 1000,
    })) {
      channels.push(...((page as { channels?: ListedChannel[] }).channels ?? []));
    }
    return channels;
  }

  /** Directory people and groups to Slack user ids; people without one are reported, not fatal. */
  function memberIds(input: CreateEscalationChannelInput) {
    const keys = [...input.memberPeople, ...(input.memberGroups ?? []).flatMap((g) => directory.group(g).members)];
    const ids = new Map<string, string>();
    const notInvited: EscalationChannel['notInvited'] = [];
    for (const key of new Set(keys)) {
      const person = directory.person(key);
      if (person.slackUserId) ids.set(key, person.slackUserId);
      else notInvited.push({ person: key, reason: 'no slackUserId in the directory' });
    }
    return { ids, notInvited };
  }

  async function invite(channel: string, ids: Map<string, string>, notInvited: EscalationChannel['notInvited']): Promise<string[]> {
    const members: string[] = [];
    // One call per person: one deactivated account must not keep everyone else out.
    for (const [key, userId] of ids) {
      try {
        await slack.conversations.invite({ channel, users: userId });
        members.push(userId);
      } catch (err) {
        const error = slackError(err);
        if (error === 'already_in_channel') members.push(userId);
        else if (error !== undefined && PERSON_INVITE_ERRORS.has(error)) notInvited.push({ person: key, reason: `Slack answered ${error}` });
        else throw err;
      }
    }
    return members;
  }

  return {
    async createEscalationChannel(input: CreateEscalationChannelInput): Promise<EscalationChannel> {
      const what = `Slack channel for '${input.accountName}'`;
      try {
        const { ids, notInvited } = memberIds(input);
        const marker = escalationMarker(input.escalationId);
        const base = channelBaseName(input.accountName, input.escalationId, input.namePrefix);
        const info = Context.current().info;

        // The workspace is listed only once a name is taken: conversations.list pages through every
        // channel (Tier 2, 20+ calls a minute), which an escalation for a new account never needs.
        let listing: ListedChannel[] | undefined;
        let channel: { id: string; name: string } | undefined;
        let created = false;
        let tagged = false;

        for (let n = 1; !channel; n++) {
          if (n > MAX_SUFFIX) throw permanent(`${what}: no free name between ${channelCandidate(base, 1)} and ${channelCandidate(base, MAX_SUFFIX)}`);
          const name = channelCandidate(base, n);
          try {
            const made = await slack.conversations.create({ name, is_private: input.isPrivate ?? false });
            if (!made.channel?.id) throw permanent(`${what}: Slack returned no channel id`);
            channel = { id: made.channel.id, name: made.channel.name ?? name };
            created = true;
          } catch (err) {
            if (slackError(err) !== 'name_taken') throw err;
            if (!listing) {
              listing = await listChannels();
              // This escalation's channel under any name (a retry, a reset workflow, a second call).
              const ours = listing.find((c) => c.purpose?.value?.includes(marker));
              if (ours?.id && ours.name) {
                channel = { id: ours.id, name: ours.name };
                tagged = true;
                break;
              }
            }
            let existing = listing.find((c) => c.name === name);
            if (!existing) {
              listing = await listChannels(); // created since the first listing?
              existing = listing.find((c) => c.name === name);
            }
            // A retry may find the channel an earlier attempt created but did not get to tag: made
            // by this bot, untagged, since this activity was first scheduled.
            const untaggedFromEarlierAttempt =
              existing !== undefined &&
              info.attempt > 1 &&
              existing.creator === (await ownUserId()) &&
              !existing.purpose?.value &&
              (existing.created ?? 0) * 1000 >= info.scheduledTimestampMs - CLOCK_MARGIN_MS;
            if (existing?.id && (existing.purpose?.value?.includes(marker) || untaggedFromEarlierAttempt)) {
              channel = { id: existing.id, name };
              tagged = existing.purpose?.value?.includes(marker) ?? false;
            }
            // Otherwise the name belongs to another channel (or an archived or invisible one): next suffix.
          }
        }

        if (!tagged) await slack.conversations.setPurpose({ channel: channel.id, purpose: purposeFor(input.accountName, input.escalationId) });
        if (input.topic !== undefined) {
          const topic = truncateMrkdwn(mrkdwnOf(input.topic), TOPIC_MAX);
          const current = listing?.find((c) => c.id === channel.id)?.topic?.value;
          if (created || current !== topic) await slack.conversations.setTopic({ channel: channel.id, topic });
        }
        const members = await invite(channel.id, ids, notInvited);
        return { channelId: channel.id, name: channel.name, created, members, notInvited };
      } catch (err) {
        throw slackFailure(err, what);
      }
    },
  };
}
