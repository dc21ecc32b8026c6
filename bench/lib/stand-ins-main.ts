// The Slack, SendGrid, ticket and case stand-ins in a process of their own (as the production
// topology runs them), so the bench's load generator cannot delay the instant a message arrives.
// Tells the parent (over IPC) where they listen, then one line per message they accept.
import { loadDirectory } from '../../src/directory.js';
import type { OutboxEntry } from '../../src/stand-ins/outbox.js';
import { startStandIns } from '../../test/helpers/stand-ins.js';

export interface ArrivedMessage {
  kind: 'slack' | 'email';
  escalationId: string | undefined;
  /** Epoch ms at which the stand-in accepted it. */
  at: number;
  step: string | undefined;
}

export type StandInsMessage =
  | { type: 'ready'; providers: Awaited<ReturnType<typeof startStandIns>>['providers'] }
  | { type: 'messages'; messages: ArrivedMessage[] };

const directory = await loadDirectory(process.env.DIRECTORY_FILE ?? 'config/directory.example.yaml');
const standIns = await startStandIns(directory);
const send = (m: StandInsMessage) => process.send?.(m);

// Batched per tick: thousands of messages a minute should not cost one IPC write each.
let pending: ArrivedMessage[] = [];
const append = standIns.outbox.append.bind(standIns.outbox);
standIns.outbox.append = (entry: OutboxEntry) => {
  const record = append(entry);
  const step =
    record.kind === 'slack' ? (record.metadata?.event_payload.step as string | undefined) : record.custom_args.step;
  if (pending.length === 0) setImmediate(flush);
  pending.push({ kind: record.kind, escalationId: record.escalationId, at: Date.parse(record.at), step });
  return record;
};
function flush() {
  const messages = pending;
  pending = [];
  send({ type: 'messages', messages });
}
send({ type: 'ready', providers: standIns.providers });
process.on('disconnect', () => {
  void standIns.close().finally(() => process.exit(0));
});
