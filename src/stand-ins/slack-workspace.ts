// The Slack stand-in's workspace: channels, people, messages, and the Slack object shapes the Web API
// returns for them. Methods signal Slack errors by throwing SlackApiError(code).
import type { SlackMetadata } from './outbox-schema.js';

export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    /** Goes to `response_metadata.messages`, like Slack's `[ERROR] …` explanations. */
    readonly messages?: string[],
  ) {
    super(code);
  }
}

export interface SlackUserInput {
  id: string;
  name: string;
  email?: string;
  realName?: string;
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface SlackUserGroupInput {
  id: string;
  handle: string;
  name?: string;
  users?: string[];
}

export interface SlackChannelInput {
  /** Generated (C…) when omitted. */
  id?: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Whether the bot is in the channel; default true (Slack answers not_in_channel otherwise). */
  isMember?: boolean;
  /** Other member user ids. */
  members?: string[];
  topic?: string;
  purpose?: string;
}

/** A channel as tests see it. */
export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isIm: boolean;
  isMpim: boolean;
  /** The other party of a DM. */
  user?: string;
  members: string[];
}

/** A message as tests see it (chronological in `messages()`). */
export interface SlackMessage {
  channel: { id: string; name: string };
  ts: string;
  thread_ts?: string;
  user: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: SlackMetadata;
  subtype?: string;
  edited?: { user: string; ts: string };
  escalationId?: string;
}

export interface ChannelState {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isIm: boolean;
  isMpim: boolean;
  imUser?: string;
  members: Set<string>;
  created: number;
  creator: string;
  topic: string;
  purpose: string;
  messages: MessageState[]; // chronological
}

export interface MessageState {
  ts: string;
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: SlackMetadata;
  threadTs?: string;
  subtype?: string;
  edited?: { user: string; ts: string };
  replies: string[]; // ts of replies, on thread parents
  escalationId?: string;
  username?: string;
  iconEmoji?: string;
  iconUrl?: string;
}

export const TEAM = { id: 'T0STANDIN', name: 'Stand-in Workspace', domain: 'stand-in' } as const;
export const BOT = { userId: 'U0STANDBOT', botId: 'B0STANDBOT', appId: 'A0STANDAPP', name: 'escalation-engine' } as const;

/** Hands out unique, increasing message timestamps shaped like Slack's "1732370000.000100". */
export class TsClock {
  #last = 0; // microseconds since the epoch

  next(): string {
    this.#last = Math.max(Date.now() * 1000, this.#last + 1);
    return `${Math.floor(this.#last / 1e6)}.${String(this.#last % 1e6).padStart(6, '0')}`;
  }

  /** Never hands out `ts` or anything before it again (a restored workspace's newest ts). */
  advancePast(ts: string): void {
    const key = tsKey(ts);
    if (key > BigInt(this.#last)) this.#last = Number(key);
  }
}

export interface WorkspaceOptions {
  channels?: SlackChannelInput[];
  users?: SlackUserInput[];
  userGroups?: SlackUserGroupInput[];
}

/** A message only one user sees (chat.postEphemeral). */
export interface EphemeralMessage {
  channel: string;
  user: string;
  message: MessageState;
}

export class Workspace {
  readonly channels = new Map<string, ChannelState>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly users = new Map<string, SlackUserInput>();
  readonly groups = new Map<string, SlackUserGroupInput>();
  #idSeq = 0;
  /** findMessage's index of each channel's messages by ts, and how many of them it holds. */
  readonly #byTs = new WeakMap<ChannelState, { messages: MessageState[]; count: number; byTs: Map<string, MessageState> }>();

  /** The clock outlives a workspace reset, so no ts is ever handed out twice. */
  constructor(
    options: WorkspaceOptions,
    private readonly clock = new TsClock(),
  ) {
    this.users.set(BOT.userId, { id: BOT.userId, name: BOT.name, isBot: true, realName: 'Escalation Engine' });
    for (const user of options.users ?? []) this.users.set(user.id, { ...user });
    for (const group of options.userGroups ?? []) this.groups.set(group.id, { ...group });
    for (const channel of options.channels ?? []) this.addChannel(channel);
  }

  nextTs(): string {
    return this.clock.next();
  }

  newId(prefix: 'C' | 'D'): string {
    let id: string;
    do {
      this.#idSeq += 1;
      id = `${prefix}9${String(this.#idSeq).padStart(8, '0')}`;
    } while (this.channels.has(id));
    return id;
  }

  addChannel(input: SlackChannelInput): ChannelState {
    const id = input.id ?? this.newId('C');
    if (this.channels.has(id)) throw new Error(`channel id ${id} already exists`);
    if (this.findByName(input.name)) throw new Error(`channel name ${input.name} already exists`);
    const members = new Set(input.members ?? []);
    if (input.isMember ?? true) members.add(BOT.userId);
    const channel: ChannelState = {
      id,
      name: input.name,
      isPrivate: input.isPrivate ?? false,
      isArchived: input.isArchived ?? false,
      isIm: false,
      isMpim: false,
      members,
      created: Math.floor(Date.now() / 1000),
      creator: BOT.userId,
      topic: input.topic ?? '',
      purpose: input.purpose ?? '',
      messages: [],
    };
    this.channels.set(id, channel);
    return channel;
  }

  findByName(name: string): ChannelState | undefined {
    for (const channel of this.channels.values()) if (!channel.isIm && channel.name === name) return channel;
    return undefined;
  }

  /** The DM with `userId`, opened on first use like conversations.open does. */
  imWith(userId: string): { channel: ChannelState; existed: boolean } {
    for (const channel of this.channels.values()) {
      if (channel.isIm && channel.imUser === userId) return { channel, existed: true };
    }
    const id = this.newId('D');
    const channel: ChannelState = {
      id,
      name: userId,
      isPrivate: true,
      isArchived: false,
      isIm: true,
      isMpim: false,
      imUser: userId,
      members: new Set([BOT.userId, userId]),
      created: Math.floor(Date.now() / 1000),
      creator: BOT.userId,
      topic: '',
      purpose: '',
      messages: [],
    };
    this.channels.set(id, channel);
    return { channel, existed: false };
  }

  /**
   * A channel the bot can see, by id. `byName` also accepts `#name` / `name` (only chat.postMessage
   * does, in Slack); `byUser` accepts a user id, meaning the bot's DM with them.
   */
  resolveChannel(ref: string | undefined, opts: { byName?: boolean; byUser?: boolean } = {}): ChannelState {
    if (!ref) throw new SlackApiError('channel_not_found');
    let channel = this.channels.get(ref);
    if (!channel && opts.byName) channel = this.findByName(ref.startsWith('#') ? ref.slice(1) : ref);
    if (!channel && opts.byUser && this.users.has(ref)) channel = this.imWith(ref).channel;
    // Private conversations the bot is not in are invisible to it.
    if (!channel || (channel.isPrivate && !channel.members.has(BOT.userId))) throw new SlackApiError('channel_not_found');
    return channel;
  }

  /**
   * The message with timestamp `ts` in `channel`. Indexed: every chat.update, thread reply and
   * stored call looks a message up, and a scan of a busy channel (every account escalation's alert
   * and thread in one) grew to milliseconds per lookup at 20,000 escalations, enough to make the
   * stand-in the bench's bottleneck. `messages` is only ever appended to (chat.postMessage, a
   * restored store), so the index catches up with its tail.
   */
  findMessage(channel: ChannelState, ts: string | undefined): MessageState | undefined {
    if (ts === undefined) return undefined;
    let index = this.#byTs.get(channel);
    if (!index || index.messages !== channel.messages || index.count > channel.messages.length) {
      index = { messages: channel.messages, count: 0, byTs: new Map() };
      this.#byTs.set(channel, index);
    }
    for (; index.count < channel.messages.length; index.count += 1) {
      const msg = channel.messages[index.count]!;
      // The first message with a ts wins, as a scan from the start would find it.
      if (!index.byTs.has(msg.ts)) index.byTs.set(msg.ts, msg);
    }
    return index.byTs.get(ts);
  }

  /** How a channel is labelled in the outbox: its name, or `@user` for a DM. */
  displayName(channel: ChannelState): string {
    if (channel.isIm) return `@${this.users.get(channel.imUser ?? '')?.name ?? channel.imUser}`;
    return channel.name;
  }

  userName(id: string): string | undefined {
    return this.users.get(id)?.name;
  }

  groupHandle(id: string): string | undefined {
    return this.groups.get(id)?.handle;
  }

  // ---- Slack object shapes -------------------------------------------------------------------

  channelObject(channel: ChannelState): Record<string, unknown> {
    if (channel.isIm) {
      return {
        id: channel.id,
        created: channel.created,
        is_im: true,
        is_org_shared: false,
        context_team_id: TEAM.id,
        updated: channel.created * 1000,
        user: channel.imUser,
        is_user_deleted: false,
        priority: 0,
      };
    }
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isMpim,
      is_group: false,
      is_im: false,
      is_mpim: channel.isMpim,
      is_private: channel.isPrivate,
      created: channel.created,
      is_archived: channel.isArchived,
      is_general: false,
      unlinked: 0,
      name_normalized: channel.name,
      is_shared: false,
      is_org_shared: false,
      is_pending_ext_shared: false,
      pending_shared: [],
      context_team_id: TEAM.id,
      updated: channel.created * 1000,
      parent_conversation: null,
      creator: channel.creator,
      is_ext_shared: false,
      shared_team_ids: [TEAM.id],
      pending_connected_team_ids: [],
      is_member: channel.members.has(BOT.userId),
      num_members: channel.members.size,
      topic: { value: channel.topic, creator: '', last_set: 0 },
      purpose: { value: channel.purpose, creator: '', last_set: 0 },
      previous_names: [],
    };
  }

  messageObject(channel: ChannelState, msg: MessageState, opts: { metadata: boolean }): Record<string, unknown> {
    const isBot = msg.user === BOT.userId;
    const out: Record<string, unknown> = {
      user: msg.user,
      type: 'message',
      ts: msg.ts,
      text: msg.text,
      team: TEAM.id,
    };
    if (msg.subtype) out.subtype = msg.subtype;
    if (isBot) {
      out.bot_id = BOT.botId;
      out.app_id = BOT.appId;
      out.bot_profile = {
        id: BOT.botId,
        app_id: BOT.appId,
        name: BOT.name,
        icons: {},
        deleted: false,
        updated: 0,
        team_id: TEAM.id,
      };
    }
    if (msg.username) out.username = msg.username;
    if (msg.iconEmoji || msg.iconUrl) out.icons = { emoji: msg.iconEmoji, image_48: msg.iconUrl };
    if (msg.blocks) out.blocks = msg.blocks;
    if (msg.attachments) out.attachments = msg.attachments;
    if (msg.edited) out.edited = msg.edited;
    if (opts.metadata && msg.metadata) out.metadata = msg.metadata;
    if (msg.threadTs) {
      out.thread_ts = msg.threadTs;
      out.parent_user_id = this.findMessage(channel, msg.threadTs)?.user;
    } else if (msg.replies.length > 0) {
      const replies = msg.replies.map((ts) => this.findMessage(channel, ts)).filter((m) => m !== undefined);
      const replyUsers = [...new Set(replies.map((m) => m.user))];
      Object.assign(out, {
        thread_ts: msg.ts,
        reply_count: replies.length,
        reply_users_count: replyUsers.length,
        latest_reply: replies.at(-1)?.ts,
        reply_users: replyUsers,
        is_locked: false,
        subscribed: false,
      });
    }
    return out;
  }

  userObject(user: SlackUserInput): Record<string, unknown> {
    const realName = user.realName ?? user.name;
    const isBot = user.isBot ?? false;
    return {
      id: user.id,
      team_id: TEAM.id,
      name: user.name,
      deleted: user.deleted ?? false,
      color: '9f69e7',
      real_name: realName,
      tz: user.tz ?? 'Europe/Berlin',
      tz_label: 'Central European Time',
      tz_offset: 3600,
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: user.name,
        display_name_normalized: user.name,
        ...(user.email === undefined ? {} : { email: user.email }),
        team: TEAM.id,
        ...(user.id === BOT.userId ? { bot_id: BOT.botId } : {}),
      },
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: isBot,
      is_app_user: false,
      updated: 0,
    };
  }

  snapshotChannel(channel: ChannelState): SlackChannel {
    return {
      id: channel.id,
      name: channel.name,
      isPrivate: channel.isPrivate,
      isArchived: channel.isArchived,
      isIm: channel.isIm,
      isMpim: channel.isMpim,
      ...(channel.imUser === undefined ? {} : { user: channel.imUser }),
      members: [...channel.members],
    };
  }

  snapshotMessage(channel: ChannelState, msg: MessageState): SlackMessage {
    return {
      channel: { id: channel.id, name: this.displayName(channel) },
      ts: msg.ts,
      ...(msg.threadTs === undefined ? {} : { thread_ts: msg.threadTs }),
      user: msg.user,
      text: msg.text,
      ...(msg.blocks === undefined ? {} : { blocks: msg.blocks }),
      ...(msg.attachments === undefined ? {} : { attachments: msg.attachments }),
      ...(msg.metadata === undefined ? {} : { metadata: msg.metadata }),
      ...(msg.subtype === undefined ? {} : { subtype: msg.subtype }),
      ...(msg.edited === undefined ? {} : { edited: msg.edited }),
      ...(msg.escalationId === undefined ? {} : { escalationId: msg.escalationId }),
    };
  }
}

/** Slack timestamps as exact integers (microseconds), for comparisons. */
export function tsKey(ts: string): bigint {
  const [seconds = '0', fraction = ''] = ts.split('.');
  if (!/^\d+$/.test(seconds) || !/^\d*$/.test(fraction)) return -1n;
  return BigInt(seconds) * 1_000_000n + BigInt((fraction + '000000').slice(0, 6));
}
