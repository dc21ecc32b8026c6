// The Slack stand-in's message look-up: every chat.update, thread reply and stored call finds a
// message by ts, and the bench's busy channel holds one message per alert and thread reply of
// every escalation in flight (hundreds of thousands at 20,000 in flight).
import { describe, expect, it } from 'vitest';
import { Workspace, type ChannelState, type MessageState } from '../../src/stand-ins/slack-workspace.js';

function message(ws: Workspace, channel: ChannelState, text: string): MessageState {
  const msg: MessageState = { ts: ws.nextTs(), channel: channel.id, user: 'U0STANDBOT', text, replies: [] };
  channel.messages.push(msg);
  return msg;
}

/** Wraps the channel's messages so that reads of its elements are counted. */
function countReads(channel: ChannelState): { reads: () => number } {
  let reads = 0;
  channel.messages = new Proxy(channel.messages, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { reads: () => reads };
}

describe('Slack stand-in workspace: findMessage', () => {
  it('finds any message of a large channel, and the newest ones posted after a look-up, without scanning the channel again', () => {
    const ws = new Workspace({ channels: [{ id: 'C0BUSY001', name: 'busy' }] });
    const channel = ws.channels.get('C0BUSY001')!;
    const posted = Array.from({ length: 20_000 }, (_, i) => message(ws, channel, `m${i}`));
    const counter = countReads(channel);

    expect(ws.findMessage(channel, posted[0]!.ts)?.text).toBe('m0');
    const afterIndexing = counter.reads();
    // Every later look-up, oldest or newest, reads no element of the channel's messages.
    expect(ws.findMessage(channel, posted[19_999]!.ts)?.text).toBe('m19999');
    expect(ws.findMessage(channel, posted[12_345]!.ts)?.text).toBe('m12345');
    expect(ws.findMessage(channel, '1111111111.000001')).toBeUndefined();
    expect(ws.findMessage(channel, undefined)).toBeUndefined();
    expect(counter.reads()).toBe(afterIndexing);

    // A message posted since is found, by reading only the new tail.
    const later = message(ws, channel, 'later');
    expect(ws.findMessage(channel, later.ts)).toBe(later);
    expect(counter.reads() - afterIndexing).toBe(1);
  });

  it('follows a channel whose message list was replaced (a restored workspace) and keeps channels apart', () => {
    const ws = new Workspace({ channels: [{ id: 'C0ONE0001', name: 'one' }, { id: 'C0TWO0001', name: 'two' }] });
    const one = ws.channels.get('C0ONE0001')!;
    const two = ws.channels.get('C0TWO0001')!;
    const first = message(ws, one, 'first');
    expect(ws.findMessage(one, first.ts)).toBe(first);
    expect(ws.findMessage(two, first.ts)).toBeUndefined();

    one.messages = [];
    expect(ws.findMessage(one, first.ts)).toBeUndefined();
    const again = message(ws, one, 'again');
    expect(ws.findMessage(one, again.ts)).toBe(again);
  });
});
