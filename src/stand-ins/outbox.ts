// Record of everything the stand-ins accepted (Slack messages, emails, tickets, CRM cases and notes),
// shared by all of them so a test or the dev page can see one escalation's side effects together.
// Kept in memory and written through to a store (the data folder's SQLite file on `npm start`).
import type {
  CaseNoteOutboxRecord,
  CaseOutboxRecord,
  EmailOutboxRecord,
  OutboxKind,
  OutboxRecord,
  SlackOutboxRecord,
  TicketOutboxRecord,
} from './outbox-schema.js';
import { MemoryStore, type StandInStore } from './store.js';

export type {
  CaseNoteOutboxRecord,
  CaseOutboxRecord,
  EmailOutboxRecord,
  OutboxKind,
  OutboxRecord,
  SlackOutboxRecord,
  TicketOutboxRecord,
} from './outbox-schema.js';

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
  /** Where records are kept across restarts; default in memory only. */
  store?: StandInStore;
}

const COLLECTION = 'outbox';

export class Outbox {
  #records: OutboxRecord[] = []; // oldest first
  #waiters = new Set<Waiter>();
  #seq = 0;
  readonly #maxRecords: number;
  readonly #store: StandInStore;

  constructor(options: OutboxOptions = {}) {
    this.#maxRecords = options.maxRecords ?? 5_000;
    this.#store = options.store ?? new MemoryStore();
    this.#records = this.#store.list<OutboxRecord>(COLLECTION);
    // Ids go on from the highest one kept, so a restart never hands out an id twice.
    this.#seq = this.#store.get<number>('counters', COLLECTION) ?? 0;
    for (const r of this.#records) this.#seq = Math.max(this.#seq, Number(/-(\d+)$/.exec(r.id)?.[1] ?? 0));
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
    const dropped = this.#records.length > this.#maxRecords ? this.#records.splice(0, this.#records.length - this.#maxRecords) : [];
    this.#store.transaction(() => {
      this.#store.put(COLLECTION, record.id, record);
      this.#store.put('counters', COLLECTION, this.#seq);
      for (const old of dropped) this.#store.delete(COLLECTION, old.id);
    });
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
  list(filter: OutboxFilter & { kind: 'ticket' }): TicketOutboxRecord[];
  list(filter: OutboxFilter & { kind: 'case' }): CaseOutboxRecord[];
  list(filter: OutboxFilter & { kind: 'case-note' }): CaseNoteOutboxRecord[];
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
    this.#store.clear(COLLECTION);
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
    const counts = new Map<string, number>();
    for (const r of this.#records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
    return `outbox holds ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ') || 'no'} records`;
  }
}
