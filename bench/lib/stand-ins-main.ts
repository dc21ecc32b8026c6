// The local stand-ins (Slack, SendGrid, tickets, CRM cases: the same set `npm run stand-ins` runs)
// in a process of their own, in memory, so the bench's load generator cannot delay the instant a
// message arrives. Tells the parent (over IPC) the environment for the worker, then, batched, every
// Slack message and email they accept with the instant they accepted it.
import { loadDirectory } from '../../src/directory.js';
import { startLocalStandIns } from '../../src/stand-ins/local.js';
import type { OutboxEntry } from '../../src/stand-ins/outbox.js';

export interface ArrivedMessage {
  kind: 'slack' | 'email';
  escalationId: string | undefined;
  /** Epoch ms at which the stand-in accepted it. */
  at: number;
  step: string | undefined;
}

export type StandInsMessage = { type: 'ready'; env: Record<string, string> } | { type: 'messages'; messages: ArrivedMessage[] };

const directory = await loadDirectory(process.env.DIRECTORY_FILE ?? 'config/directory.example.yaml');
const standIns = await startLocalStandIns({ directory, file: null });
const send = (m: StandInsMessage) => process.send?.(m);

// Batched per tick: thousands of messages a minute should not cost one IPC write each.
let pending: ArrivedMessage[] = [];
const append = standIns.outbox.append.bind(standIns.outbox);
standIns.outbox.append = (entry: OutboxEntry) => {
  const record = append(entry);
  if (record.kind === 'slack' || record.kind === 'email') {
    const step = record.kind === 'slack' ? (record.metadata?.event_payload.step as string | undefined) : record.custom_args.step;
    if (pending.length === 0) setImmediate(flush);
    pending.push({ kind: record.kind, escalationId: record.escalationId, at: Date.parse(record.at), step });
  }
  return record;
};
function flush() {
  const messages = pending;
  pending = [];
  send({ type: 'messages', messages });
}

send({ type: 'ready', env: standIns.env });
process.on('disconnect', () => {
  void standIns.close().finally(() => process.exit(0));
});
