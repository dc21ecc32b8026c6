// Posts with buttons as people see them at the end of an escalation (issue 16 item 9): the Slack
// stand-in's messages now, and the outbox's newest record of each message (what the outbox page
// shows as the message's current version, the only one whose buttons it lets you press).
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import type { StandIns } from './stand-ins.js';

type Block = { type?: string; elements?: { type?: string; text?: string | { text?: string } }[] };

/** The labels of a message's buttons (its actions blocks). */
export function buttonLabels(blocks: unknown[] | undefined): string[] {
  return ((blocks ?? []) as Block[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => (typeof e.text === 'object' ? (e.text.text ?? '') : '')));
}

/** The text of a message's context blocks (e.g. "Done: ... at ..."). */
export function contextLines(blocks: unknown[] | undefined): string[] {
  return ((blocks ?? []) as Block[])
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')));
}

/** Every message the engine posted that ever carried buttons, as the stand-in holds it now. */
export function buttonPostsNow(standIns: StandIns) {
  const everWithButtons = new Set(
    standIns.outbox
      .list({ kind: 'slack' })
      .filter((r) => buttonLabels(r.blocks).length > 0)
      .map((r) => `${r.channel.id}/${r.ts}`),
  );
  return standIns.slack.messages().filter((m) => everWithButtons.has(`${m.channel.id}/${m.ts}`));
}

/** Per message (channel + ts), the outbox's newest record of it. */
export function latestOutboxVersions(standIns: StandIns): SlackOutboxRecord[] {
  const seen = new Set<string>();
  const latest: SlackOutboxRecord[] = [];
  // The outbox lists newest first.
  for (const r of standIns.outbox.list({ kind: 'slack' })) {
    if (r.method === 'chat.postEphemeral') continue;
    const key = `${r.channel.id}/${r.ts}`;
    if (seen.has(key)) continue;
    seen.add(key);
    latest.push(r);
  }
  return latest;
}
