// The Web API methods the stand-in implements, with Slack's argument rules and error codes.
import type { Outbox } from './outbox.js';
import type { SlackMetadata } from './outbox-schema.js';
import { validateBlocks } from './slack-blocks.js';
import { collectMentions } from './slack-format.js';
import type { Params } from './slack-params.js';
import type { SlackInteractions } from './slack-interactions.js';
import { BOT, SlackApiError, TEAM, tsKey, type ChannelState, type MessageState, type Workspace } from './slack-workspace.js';

export type SlackResult = Record<string, unknown>;
export type SlackMethod = (params: Params) => SlackResult;

const MAX_TEXT = 40_000;

export function createSlackMethods(ws: Workspace, outbox: Outbox, interactions?: SlackInteractions): Record<string, SlackMethod> {
  const requireArg = (params: Params, name: string): string => {
    const value = params.str(name);
    if (!value) throw new SlackApiError('invalid_arguments', [`[ERROR] missing required field: ${name}`]);
    return value;
  };

  /** Slack lets only members read and write a channel (private ones are already invisible). */
  const requireMember = (channel: ChannelState) => {
    if (!channel.members.has(BOT.userId)) throw new SlackApiError('not_in_channel');
  };

  const requireOpen = (channel: ChannelState) => {
    if (channel.isArchived) throw new SlackApiError('is_archived');
  };

  /** text / blocks / attachments / metadata as chat.postMessage and chat.update accept them. */
  const readContent = (params: Params) => {
    const text = params.str('text');
    if (text !== undefined && text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
    const blocks = readArray(params, 'blocks', 'invalid_blocks_format');
    if (blocks) {
      const problems = validateBlocks(blocks);
      if (problems.length > 0) throw new SlackApiError('invalid_blocks', problems);
    }
    const attachments = readArray(params, 'attachments', 'invalid_attachments');
    const metadata = readMetadata(params);
    return { text, blocks, attachments, metadata };
  };

  const hasContent = (c: ReturnType<typeof readContent>) =>
    Boolean(c.text) || (c.blocks?.length ?? 0) > 0 || (c.attachments?.length ?? 0) > 0;

  const record = (method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral', channel: ChannelState, msg: MessageState, visibleTo?: string) => {
    outbox.append({
      kind: 'slack',
      method,
      ...(msg.escalationId === undefined ? {} : { escalationId: msg.escalationId }),
      channel: { id: channel.id, name: ws.displayName(channel) },
      ts: msg.ts,
      ...(msg.threadTs === undefined ? {} : { thread_ts: msg.threadTs }),
      text: msg.text,
      ...(msg.blocks === undefined ? {} : { blocks: msg.blocks }),
      mentions: collectMentions(msg, ws),
      ...(msg.metadata === undefined ? {} : { metadata: msg.metadata }),
      ...(visibleTo === undefined ? {} : { visibleTo }),
    });
  };

  const history = (channel: ChannelState, messages: MessageState[], params: Params, defaultLimit: number) => {
    const inclusive = params.bool('inclusive');
    const oldest = tsKey(params.str('oldest') || '0');
    const latest = params.str('latest') ? tsKey(params.str('latest')!) : undefined;
    const limit = Math.min(Math.max(params.int('limit') ?? defaultLimit, 1), 999);
    let selected = messages.filter((m) => {
      const key = tsKey(m.ts);
      const afterOldest = inclusive ? key >= oldest : key > oldest;
      const beforeLatest = latest === undefined || (inclusive ? key <= latest : key < latest);
      return afterOldest && beforeLatest;
    });
    const cursor = params.str('cursor');
    if (cursor) {
      const start = Buffer.from(cursor, 'base64').toString('utf8').replace(/^next_ts:/, '');
      const index = selected.findIndex((m) => m.ts === start);
      if (index === -1) throw new SlackApiError('invalid_cursor');
      selected = selected.slice(index);
    }
    const page = selected.slice(0, limit);
    const next = selected[limit];
    const metadata = params.bool('include_all_metadata');
    return {
      messages: page.map((m) => ws.messageObject(channel, m, { metadata })),
      has_more: next !== undefined,
      ...(next === undefined
        ? {}
        : { response_metadata: { next_cursor: Buffer.from(`next_ts:${next.ts}`).toString('base64') } }),
    };
  };

  /** conversations.setPurpose / setTopic: members only, not on DMs or archived channels, 250 characters. */
  const setPurposeOrTopic = (params: Params, field: 'purpose' | 'topic'): SlackResult => {
    const channel = ws.resolveChannel(requireArg(params, 'channel'));
    if (channel.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
    requireOpen(channel);
    requireMember(channel);
    const value = params.str(field) ?? '';
    if (value.length > 250) throw new SlackApiError('too_long');
    channel[field] = value;
    return { ok: true, channel: ws.channelObject(channel) };
  };

  return {
    'api.test': () => ({ ok: true, args: {} }),

    'auth.test': () => ({
      ok: true,
      url: `https://${TEAM.domain}.slack.com/`,
      team: TEAM.name,
      user: BOT.name,
      team_id: TEAM.id,
      user_id: BOT.userId,
      bot_id: BOT.botId,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (params) => {
      const channel = ws.resolveChannel(params.str('channel'), { byName: true, byUser: true });
      requireOpen(channel);
      requireMember(channel);
      const content = readContent(params);
      if (!hasContent(content)) throw new SlackApiError('no_text');
      let parent: MessageState | undefined;
      const threadTs = params.str('thread_ts');
      if (threadTs) {
        parent = ws.findMessage(channel, threadTs);
        if (!parent) throw new SlackApiError('thread_not_found');
        // Replying to a reply lands in the same thread.
        if (parent.threadTs) parent = ws.findMessage(channel, parent.threadTs) ?? parent;
      }
      const msg: MessageState = {
        ts: ws.nextTs(),
        channel: channel.id,
        user: BOT.userId,
        text: content.text ?? '',
        ...(content.blocks ? { blocks: content.blocks } : {}),
        ...(content.attachments ? { attachments: content.attachments } : {}),
        ...(content.metadata ? { metadata: content.metadata } : {}),
        ...(parent ? { threadTs: parent.ts } : {}),
        ...(parent && params.bool('reply_broadcast') ? { subtype: 'thread_broadcast' } : {}),
        replies: [],
      };
      const escalationId = escalationIdOf(content.metadata) ?? parent?.escalationId;
      if (escalationId !== undefined) msg.escalationId = escalationId;
      const username = params.str('username');
      if (username) msg.username = username;
      const iconEmoji = params.str('icon_emoji');
      if (iconEmoji) msg.iconEmoji = iconEmoji;
      const iconUrl = params.str('icon_url');
      if (iconUrl) msg.iconUrl = iconUrl;
      channel.messages.push(msg);
      parent?.replies.push(msg.ts);
      record('chat.postMessage', channel, msg);
      return { ok: true, channel: channel.id, ts: msg.ts, message: ws.messageObject(channel, msg, { metadata: true }) };
    },

    'chat.update': (params) => {
      const channel = ws.resolveChannel(params.str('channel'));
      requireOpen(channel);
      const msg = ws.findMessage(channel, params.str('ts'));
      if (!msg) throw new SlackApiError('message_not_found');
      if (msg.user !== BOT.userId) throw new SlackApiError('cant_update_message');
      const content = readContent(params);
      if (!hasContent(content)) throw new SlackApiError('no_text');
      if (content.text !== undefined) msg.text = content.text;
      if (content.blocks !== undefined) msg.blocks = content.blocks;
      if (content.attachments !== undefined) msg.attachments = content.attachments;
      if (content.metadata !== undefined) {
        msg.metadata = content.metadata;
        msg.escalationId = escalationIdOf(content.metadata) ?? msg.escalationId;
      }
      msg.edited = { user: BOT.userId, ts: ws.nextTs() };
      record('chat.update', channel, msg);
      const message = ws.messageObject(channel, msg, { metadata: true });
      return { ok: true, channel: channel.id, ts: msg.ts, text: msg.text, message };
    },

    // Only `user` sees it; it is not part of the channel's history (and cannot be updated by chat.update).
    'chat.postEphemeral': (params) => {
      const channel = ws.resolveChannel(params.str('channel'), { byName: true });
      requireOpen(channel);
      requireMember(channel);
      const user = requireArg(params, 'user');
      if (!ws.users.has(user)) throw new SlackApiError('user_not_found');
      const content = readContent(params);
      if (!hasContent(content)) throw new SlackApiError('no_text');
      const msg: MessageState = {
        ts: ws.nextTs(),
        channel: channel.id,
        user: BOT.userId,
        text: content.text ?? '',
        ...(content.blocks ? { blocks: content.blocks } : {}),
        ...(params.str('thread_ts') ? { threadTs: params.str('thread_ts')! } : {}),
        replies: [],
      };
      ws.ephemerals.push({ channel: channel.id, user, message: msg });
      record('chat.postEphemeral', channel, msg, user);
      return { ok: true, message_ts: msg.ts };
    },

    'views.open': (params) => {
      if (!interactions) throw new SlackApiError('unknown_method');
      const parsed = params.json('view');
      if (!parsed?.ok) throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);
      const open = interactions.open(params.str('trigger_id'), parsed.value);
      return { ok: true, view: interactions.viewObject(open) };
    },

    'views.update': (params) => {
      if (!interactions) throw new SlackApiError('unknown_method');
      const parsed = params.json('view');
      if (!parsed?.ok) throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);
      const open = interactions.update(params.str('view_id'), params.str('external_id'), params.str('hash'), parsed.value);
      return { ok: true, view: interactions.viewObject(open) };
    },

    'chat.getPermalink': (params) => {
      const channel = ws.resolveChannel(params.str('channel'));
      const msg = ws.findMessage(channel, params.str('message_ts'));
      if (!msg) throw new SlackApiError('message_not_found');
      const base = `https://${TEAM.domain}.slack.com/archives/${channel.id}/p${msg.ts.replace('.', '')}`;
      const permalink = msg.threadTs ? `${base}?thread_ts=${msg.threadTs}&cid=${channel.id}` : base;
      return { ok: true, channel: channel.id, permalink };
    },

    'conversations.history': (params) => {
      const channel = ws.resolveChannel(requireArg(params, 'channel'));
      requireMember(channel);
      // Thread replies stay in their thread unless broadcast to the channel.
      const timeline = channel.messages.filter((m) => !m.threadTs || m.subtype === 'thread_broadcast').reverse();
      return { ok: true, ...history(channel, timeline, params, 100), pin_count: 0, channel_actions_ts: null, channel_actions_count: 0 };
    },

    'conversations.replies': (params) => {
      const channel = ws.resolveChannel(requireArg(params, 'channel'));
      requireMember(channel);
      let parent = ws.findMessage(channel, requireArg(params, 'ts'));
      if (parent?.threadTs) parent = ws.findMessage(channel, parent.threadTs);
      if (!parent) throw new SlackApiError('thread_not_found');
      const thread = [parent, ...parent.replies.map((ts) => ws.findMessage(channel, ts)).filter((m) => m !== undefined)];
      return { ok: true, ...history(channel, thread, params, 1000) };
    },

    'conversations.info': (params) => {
      const channel = ws.resolveChannel(requireArg(params, 'channel'));
      return { ok: true, channel: ws.channelObject(channel) };
    },

    'conversations.list': (params) => {
      const types = params.list('types');
      const wanted = new Set(types.length > 0 ? types : ['public_channel']);
      const excludeArchived = params.bool('exclude_archived');
      const channels = [...ws.channels.values()].filter((c) => {
        if (excludeArchived && c.isArchived) return false;
        if (c.isPrivate && !c.members.has(BOT.userId)) return false;
        if (c.isIm) return wanted.has('im');
        if (c.isMpim) return wanted.has('mpim');
        return wanted.has(c.isPrivate ? 'private_channel' : 'public_channel');
      });
      const limit = Math.min(Math.max(params.int('limit') ?? 100, 1), 1000);
      const offset = Number(Buffer.from(params.str('cursor') ?? '', 'base64').toString('utf8').replace(/^offset:/, '')) || 0;
      const page = channels.slice(offset, offset + limit);
      const more = offset + limit < channels.length;
      return {
        ok: true,
        channels: page.map((c) => ws.channelObject(c)),
        response_metadata: { next_cursor: more ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
      };
    },

    'conversations.open': (params) => {
      const existingId = params.str('channel');
      if (existingId) {
        const channel = ws.resolveChannel(existingId);
        if (!channel.isIm && !channel.isMpim) throw new SlackApiError('method_not_supported_for_channel_type');
        return openResult(ws, channel, true, params.bool('return_im'));
      }
      const users = params.list('users').filter((u) => u !== BOT.userId);
      if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
      if (users.length > 8) throw new SlackApiError('too_many_users');
      for (const id of users) if (!ws.users.has(id)) throw new SlackApiError('user_not_found');
      if (users.length === 1) {
        const { channel, existed } = ws.imWith(users[0]!);
        return openResult(ws, channel, existed, params.bool('return_im'));
      }
      const names = users.map((u) => ws.userName(u) ?? u).sort();
      const mpimName = `mpdm-${names.join('--')}-1`;
      const existing = ws.findByName(mpimName);
      if (existing) return openResult(ws, existing, true, params.bool('return_im'));
      const channel = ws.addChannel({ name: mpimName, isPrivate: true, members: users });
      channel.isMpim = true;
      return openResult(ws, channel, false, params.bool('return_im'));
    },

    'conversations.create': (params) => {
      const name = params.str('name') ?? '';
      if (name === '') throw new SlackApiError('invalid_name_required');
      if (name.length > 80) throw new SlackApiError('invalid_name_maxlength');
      if (!/[\p{L}\p{N}]/u.test(name)) throw new SlackApiError('invalid_name_punctuation');
      if (!/^[a-z0-9_-]+$/.test(name)) throw new SlackApiError('invalid_name_specials');
      if (ws.findByName(name)) throw new SlackApiError('name_taken');
      const channel = ws.addChannel({ name, isPrivate: params.bool('is_private') });
      return { ok: true, channel: ws.channelObject(channel) };
    },

    'conversations.invite': (params) => {
      const channel = ws.resolveChannel(params.str('channel'));
      if (channel.isIm || channel.isMpim) throw new SlackApiError('method_not_supported_for_channel_type');
      requireOpen(channel);
      requireMember(channel);
      const users = params.list('users');
      if (users.length === 0) throw new SlackApiError('no_user');
      if (users.length > 1000) throw new SlackApiError('too_many_users');
      for (const id of users) {
        if (id === BOT.userId) throw new SlackApiError('cant_invite_self');
        if (!ws.users.has(id)) throw new SlackApiError('user_not_found');
      }
      const fresh = users.filter((id) => !channel.members.has(id));
      if (fresh.length === 0) throw new SlackApiError('already_in_channel');
      for (const id of fresh) channel.members.add(id);
      return { ok: true, channel: ws.channelObject(channel) };
    },

    'conversations.setPurpose': (params) => setPurposeOrTopic(params, 'purpose'),

    'conversations.setTopic': (params) => setPurposeOrTopic(params, 'topic'),

    'conversations.join': (params) => {
      const channel = ws.resolveChannel(params.str('channel'));
      if (channel.isPrivate || channel.isIm || channel.isMpim) throw new SlackApiError('method_not_supported_for_channel_type');
      requireOpen(channel);
      const already = channel.members.has(BOT.userId);
      channel.members.add(BOT.userId);
      return {
        ok: true,
        channel: ws.channelObject(channel),
        ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}),
      };
    },

    'users.info': (params) => {
      const user = ws.users.get(params.str('user') ?? '');
      if (!user) throw new SlackApiError('user_not_found');
      return { ok: true, user: ws.userObject(user) };
    },

    'users.lookupByEmail': (params) => {
      const email = (params.str('email') ?? '').toLowerCase();
      const user = [...ws.users.values()].find((u) => u.email?.toLowerCase() === email && email !== '');
      if (!user) throw new SlackApiError('users_not_found');
      return { ok: true, user: ws.userObject(user) };
    },

    'usergroups.list': (params) => {
      const includeUsers = params.bool('include_users');
      return {
        ok: true,
        usergroups: [...ws.groups.values()].map((g) => ({
          id: g.id,
          team_id: TEAM.id,
          is_usergroup: true,
          name: g.name ?? g.handle,
          description: '',
          handle: g.handle,
          user_count: g.users?.length ?? 0,
          ...(includeUsers ? { users: g.users ?? [] } : {}),
        })),
      };
    },
  };
}

function openResult(ws: Workspace, channel: ChannelState, existed: boolean, full: boolean): SlackResult {
  return {
    ok: true,
    ...(existed ? { no_op: true, already_open: true } : {}),
    channel: full ? ws.channelObject(channel) : { id: channel.id },
  };
}

function readArray(params: Params, name: string, formatError: string): unknown[] | undefined {
  const parsed = params.json(name);
  if (parsed === undefined) return undefined;
  if (!parsed.ok || !Array.isArray(parsed.value)) throw new SlackApiError(formatError);
  return parsed.value;
}

function readMetadata(params: Params): SlackMetadata | undefined {
  const parsed = params.json('metadata');
  if (parsed === undefined) return undefined;
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
    throw new SlackApiError('invalid_metadata_format');
  }
  const { event_type: eventType, event_payload: payload } = parsed.value as Record<string, unknown>;
  if (typeof eventType !== 'string' || eventType === '' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new SlackApiError('invalid_metadata_schema');
  }
  return { event_type: eventType, event_payload: payload as Record<string, unknown> };
}

/** Messages are tied to an escalation through their metadata (`escalation_id` in the payload). */
function escalationIdOf(metadata: SlackMetadata | undefined): string | undefined {
  const id = metadata?.event_payload.escalation_id ?? metadata?.event_payload.escalationId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
