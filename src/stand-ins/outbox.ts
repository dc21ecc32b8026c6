// In-memory record of everything the stand-ins accepted, shared by both so a test or the dev page
// can see one escalation's Slack messages and emails together.
import type { EmailOutboxRecord, OutboxKind, OutboxRecord, SlackOutboxRecord } from './outbox-schema.js';

export type { EmailOutboxRecord, OutboxKind, OutboxRecord, SlackOutboxRecord } from './outbox-schema.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A record as a stand-in hands it in; the outbox assigns `id` and, unless given, `at`. */
export type OutboxEntry = DistributiveOmit<OutboxRecord, 'id' | 'at'> & { at?: string };

export interface OutboxFilter {
  escalationId?: string;
  kind?: OutboxKind;
  /** At most this many, newest first. */
  limit?: number;
}

interface Waiter {
  predicate: (record: OutboxRecord) => boolean;
  resolve: (record: OutboxRecord) => void;
  reject: (error: unknown) => void;
}

export interface OutboxOptions {
  /** Oldest records are dropped past this many, so a long `npm start` does not grow without bound. */
  maxRecords?: number;
}

export class Outbox {
  #records: OutboxRecord[] = []; // oldest first
  #waiters = new Set<Waiter>();
  #seq = 0;
  readonly #maxRecords: number;

  constructor(options: OutboxOptions = {}) {
    this.#maxRecords = options.maxRecords ?? 5_000;
  }

  get size(): number {
    return this.#records.length;
  }

  append(entry: OutboxEntry): OutboxRecord {
    this.#seq += 1;
    const record = {
      ...entry,
      id: `${entry.kind}-${String(this.#seq).padStart(6, '0')}`,
      at: entry.at ?? new Date().toISOString(),
    } as OutboxRecord;
    this.#records.push(record);
    if (this.#records.length > this.#maxRecords) this.#records.splice(0, this.#records.length - this.#maxRecords);
    for (const waiter of this.#waiters) {
      // A throwing predicate fails its own waitFor, never the stand-in call that appended.
      let matches: boolean;
      try {
        matches = waiter.predicate(record);
      } catch (err) {
        this.#waiters.delete(waiter);
        waiter.reject(err);
        continue;
      }
      if (matches) {
        this.#waiters.delete(waiter);
        waiter.resolve(record);
      }
    }
    return record;
  }

  /** Newest first. */
  list(filter: OutboxFilter & { kind: 'slack' }): SlackOutboxRecord[];
  list(filter: OutboxFilter & { kind: 'email' }): EmailOutboxRecord[];
  list(filter?: OutboxFilter): OutboxRecord[];
  list(filter: OutboxFilter = {}): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    for (let i = this.#records.length - 1; i >= 0 && out.length < limit; i -= 1) {
      const record = this.#records[i]!;
      if (filter.kind !== undefined && record.kind !== filter.kind) continue;
      if (filter.escalationId !== undefined && record.escalationId !== filter.escalationId) continue;
      out.push(record);
    }
    return out;
  }

  get(id: string): OutboxRecord | undefined {
    return this.#records.find((r) => r.id === id);
  }

  /** Forgets the records; pending waitFor calls keep waiting for new ones. */
  clear(): void {
    this.#records = [];
  }

  /**
   * The newest record already matching `predicate`, else the first one appended later; rejects after
   * `timeoutMs`. Lets tests wait for a side effect instead of sleeping.
   */
  waitFor<T extends OutboxRecord>(predicate: (record: OutboxRecord) => record is T, timeoutMs?: number): Promise<T>;
  waitFor(predicate: (record: OutboxRecord) => boolean, timeoutMs?: number): Promise<OutboxRecord>;
  waitFor(predicate: (record: OutboxRecord) => boolean, timeoutMs = 5_000): Promise<OutboxRecord> {
    for (let i = this.#records.length - 1; i >= 0; i -= 1) {
      const record = this.#records[i]!;
      if (predicate(record)) return Promise.resolve(record);
    }
    return new Promise<OutboxRecord>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`Outbox.waitFor: no matching record within ${timeoutMs} ms (${this.#describe()})`));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        resolve: (record) => {
          clearTimeout(timer);
          resolve(record);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  #describe(): string {
    const slack = this.#records.filter((r) => r.kind === 'slack').length;
    return `outbox holds ${slack} slack and ${this.#records.length - slack} email records`;
  }
}
