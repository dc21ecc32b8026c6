// Keeps the Slack stand-in's workspace in a StandInStore, underneath the Workspace and its methods
// (which stay plain in-memory code): `restore` fills a fresh workspace from the store; `sync` runs
// after every API call and writes what the call changed before the stand-in answers.
//
// What a call can change, and how sync finds it without the methods reporting it: Slack's API names
// the conversation a call touches (`channel` in its arguments or its answer; a created or opened
// conversation is in the answer) and the messages (`ts` / `thread_ts` / `message_ts`), so sync
// compares only that channel (its JSON: members, topic, purpose, archived), its messages past the
// count already written, the named messages and their thread parents, and any channel the store has
// not seen yet. The cost of a call does not grow with the workspace: with thousands of escalation
// channels a full comparison cost 8 ms per call at 1,000 channels and 76 ms at 10,000.
// Users are few (the directory's people) and compared on every call.
// A sync without refs, and `flush`, compare everything (after a test helper changed the workspace
// directly, and at close).
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

  /** Writes what one call changed (see the module comment), in one transaction; without `refs`, everything. */
  sync(ws: Workspace, refs?: SlackCallRefs): void {
    if (!refs) return this.flush(ws);
    this.store.transaction(() => {
      this.#syncUsers(ws);
      // Channels the store has not seen (the call's own is among them when it made one).
      if (this.#counts.size !== ws.channels.size) {
        for (const channel of ws.channels.values()) if (!this.#counts.has(channel.id)) this.#syncChannel(channel);
      }
      const channel = refs.channel === undefined ? undefined : ws.channels.get(refs.channel) ?? ws.findByName(refs.channel.replace(/^#/, ''));
      if (!channel) return;
      this.#syncChannel(channel);
      for (const ts of refs.ts) {
        const msg = ws.findMessage(channel, ts);
        if (!msg) continue;
        this.#putMessage(msg);
        const parent = msg.threadTs === undefined ? undefined : ws.findMessage(channel, msg.threadTs);
        if (parent) this.#putMessage(parent);
      }
    });
  }

  /** Compares and writes everything. */
  flush(ws: Workspace): void {
    this.store.transaction(() => {
      this.#syncUsers(ws);
      for (const channel of ws.channels.values()) {
        this.#syncChannel(channel);
        for (const msg of channel.messages) this.#putMessage(msg);
      }
    });
  }

  /** Forgets the stored workspace (the stand-in's reset()). */
  clear(): void {
    this.store.clear('slack.');
    this.#written = new WeakMap();
    this.#counts.clear();
  }

  /** The channel's own JSON if it changed, and its messages past the count already written. */
  #syncChannel(channel: ChannelState): void {
    const doc = channelDoc(channel);
    const json = JSON.stringify(doc);
    if (this.#written.get(channel) !== json) {
      this.store.put(CHANNELS, channel.id, doc);
      this.#written.set(channel, json);
    }
    const written = this.#counts.get(channel.id) ?? 0;
    for (let i = written; i < channel.messages.length; i++) this.#putMessage(channel.messages[i]!);
    this.#counts.set(channel.id, channel.messages.length);
  }

  #syncUsers(ws: Workspace): void {
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
