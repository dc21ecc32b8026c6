// Keeps the Slack stand-in's workspace in a StandInStore, underneath the Workspace and its methods
// (which stay plain in-memory code): `restore` fills a fresh workspace from the store; `sync` runs
// after every API call and writes what the call changed before the stand-in answers.
//
// What a call can change, and how sync finds it without the methods reporting it:
// - channels (created, DMs opened, members, topic, purpose, archived) and users: few, so each one's
//   JSON is compared with what was last written;
// - new messages: each channel's messages past the count already written;
// - edited messages (chat.update, thread replies added to a parent): Slack's API names every message
//   a call touches by `channel` + `ts` / `thread_ts` / `message_ts` (arguments or answer), so those
//   messages and their thread parents are compared.
// `flush` compares everything (at close, or after a test helper changed the workspace directly).
import type { StandInStore } from './store.js';
import { tsKey, type ChannelState, type MessageState, type SlackUserInput, type TsClock, type Workspace } from './slack-workspace.js';

const CHANNELS = 'slack.channels';
const MESSAGES = 'slack.messages';
const USERS = 'slack.users';

type StoredChannel = Omit<ChannelState, 'members' | 'messages'> & { members: string[] };
type StoredMessage = MessageState;

/** What an API call named: the conversation and the message timestamps. */
export interface SlackCallRefs {
  channel?: string | undefined;
  ts: string[];
}

const messageKey = (channel: string, ts: string) => `${channel}/${ts}`;

function channelDoc(c: ChannelState): StoredChannel {
  const { members, messages: _messages, ...rest } = c;
  return { ...rest, members: [...members] };
}

export class SlackWorkspaceStore {
  /** JSON last written per object (channels, users, messages). */
  #written = new WeakMap<object, string>();
  /** Per channel id: how many of its messages have been written. */
  #counts = new Map<string, number>();

  constructor(private readonly store: StandInStore) {}

  /**
   * Adds the stored channels, messages and users to `ws` (before its configured channels are added)
   * and moves `clock` past the newest stored ts, so no ts is handed out twice across restarts.
   */
  restore(ws: Workspace, clock: TsClock): void {
    for (const doc of this.store.list<StoredChannel>(CHANNELS)) {
      const channel: ChannelState = { ...doc, members: new Set(doc.members), messages: [] };
      ws.channels.set(channel.id, channel);
      this.#written.set(channel, JSON.stringify(doc));
    }
    const messages = this.store.list<StoredMessage>(MESSAGES).sort((a, b) => (tsKey(a.ts) < tsKey(b.ts) ? -1 : tsKey(a.ts) > tsKey(b.ts) ? 1 : 0));
    for (const msg of messages) {
      const channel = ws.channels.get(msg.channel);
      if (!channel) continue;
      channel.messages.push(msg);
      this.#written.set(msg, JSON.stringify(msg));
      clock.advancePast(msg.ts);
      if (msg.edited) clock.advancePast(msg.edited.ts);
    }
    for (const channel of ws.channels.values()) this.#counts.set(channel.id, channel.messages.length);
    for (const user of this.store.list<SlackUserInput>(USERS)) {
      if (!ws.users.has(user.id)) ws.users.set(user.id, user);
    }
    for (const user of ws.users.values()) this.#written.set(user, JSON.stringify(user));
  }

  /** Writes what one call changed (see the module comment), in one transaction. */
  sync(ws: Workspace, refs?: SlackCallRefs): void {
    this.store.transaction(() => {
      this.#syncChannelsAndUsers(ws);
      for (const channel of ws.channels.values()) {
        const written = this.#counts.get(channel.id) ?? 0;
        for (const msg of channel.messages.slice(written)) this.#putMessage(msg);
        this.#counts.set(channel.id, channel.messages.length);
      }
      const channel = refs?.channel === undefined ? undefined : ws.channels.get(refs.channel);
      if (channel) {
        for (const ts of refs!.ts) {
          const msg = ws.findMessage(channel, ts);
          if (!msg) continue;
          this.#putMessage(msg);
          const parent = msg.threadTs === undefined ? undefined : ws.findMessage(channel, msg.threadTs);
          if (parent) this.#putMessage(parent);
        }
      }
    });
  }

  /** Compares and writes everything. */
  flush(ws: Workspace): void {
    this.store.transaction(() => {
      this.#syncChannelsAndUsers(ws);
      for (const channel of ws.channels.values()) {
        for (const msg of channel.messages) this.#putMessage(msg);
        this.#counts.set(channel.id, channel.messages.length);
      }
    });
  }

  /** Forgets the stored workspace (the stand-in's reset()). */
  clear(): void {
    this.store.clear('slack.');
    this.#written = new WeakMap();
    this.#counts.clear();
  }

  #syncChannelsAndUsers(ws: Workspace): void {
    for (const channel of ws.channels.values()) {
      const doc = channelDoc(channel);
      const json = JSON.stringify(doc);
      if (this.#written.get(channel) === json) continue;
      this.store.put(CHANNELS, channel.id, doc);
      this.#written.set(channel, json);
    }
    for (const user of ws.users.values()) {
      const json = JSON.stringify(user);
      if (this.#written.get(user) === json) continue;
      this.store.put(USERS, user.id, user);
      this.#written.set(user, json);
    }
  }

  #putMessage(msg: MessageState): void {
    const json = JSON.stringify(msg);
    if (this.#written.get(msg) === json) return;
    this.store.put(MESSAGES, messageKey(msg.channel, msg.ts), msg);
    this.#written.set(msg, json);
  }
}

/** The conversation and message timestamps a call named, from its arguments and its answer. */
export function callRefs(args: Record<string, unknown>, result: Record<string, unknown>): SlackCallRefs {
  const answered = result.channel;
  const channel =
    typeof answered === 'string'
      ? answered
      : typeof (answered as { id?: unknown } | undefined)?.id === 'string'
        ? (answered as { id: string }).id
        : typeof args.channel === 'string'
          ? args.channel
          : undefined;
  const ts = [args.ts, args.thread_ts, args.message_ts, result.ts].filter((v): v is string => typeof v === 'string' && v !== '');
  return { channel, ts };
}
