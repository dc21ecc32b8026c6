// Where the stand-ins keep their state: a small document store under their in-memory classes.
// `MemoryStore` (the default: tests get isolation for free) or `SqliteStore`, a file in the data
// folder (the embedded default), so a restart keeps Slack threads and ts, emails, ticket and case
// numbers. Documents are JSON values addressed by (collection, key) and listed in the order they
// were first put; every write is synchronous and committed before the stand-in answers.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface StandInStore {
  /** Every document of `collection`, in the order each key was first put. */
  list<T>(collection: string): T[];
  get<T>(collection: string, key: string): T | undefined;
  /** Inserts or replaces (keeping the key's place in the order). */
  put(collection: string, key: string, value: unknown): void;
  delete(collection: string, key: string): void;
  /** Forgets every document of the collections whose name starts with `prefix`. */
  clear(prefix: string): void;
  /** Runs `fn` as one atomic write (one SQLite transaction). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Keeps documents as JSON text in memory: the same copy semantics as the SQLite store, nothing on disk. */
export class MemoryStore implements StandInStore {
  readonly #collections = new Map<string, Map<string, string>>();

  list<T>(collection: string): T[] {
    return [...(this.#collections.get(collection)?.values() ?? [])].map((v) => JSON.parse(v) as T);
  }

  get<T>(collection: string, key: string): T | undefined {
    const value = this.#collections.get(collection)?.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  put(collection: string, key: string, value: unknown): void {
    let docs = this.#collections.get(collection);
    if (!docs) this.#collections.set(collection, (docs = new Map()));
    docs.set(key, JSON.stringify(value));
  }

  delete(collection: string, key: string): void {
    this.#collections.get(collection)?.delete(key);
  }

  clear(prefix: string): void {
    for (const name of [...this.#collections.keys()]) if (name.startsWith(prefix)) this.#collections.delete(name);
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  close(): void {}
}

const SCHEMA_VERSION = 1;

/**
 * A SQLite file through better-sqlite3 (synchronous, so a write is on disk before the HTTP answer).
 * WAL with `synchronous = NORMAL`: a committed write survives the process being killed.
 */
export class SqliteStore implements StandInStore {
  readonly #db: Database.Database;
  readonly #list: Database.Statement<[string], { value: string }>;
  readonly #get: Database.Statement<[string, string], { value: string }>;
  readonly #put: Database.Statement<[string, string, string]>;
  readonly #delete: Database.Statement<[string, string]>;
  readonly #clear: Database.Statement<[{ prefix: string }]>;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.#db.close();
      throw new Error(`${path} was written by a newer escalation-engine (schema ${version}, this one knows ${SCHEMA_VERSION})`);
    }
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS documents (
        seq        INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        UNIQUE (collection, key)
      );
      CREATE INDEX IF NOT EXISTS documents_order ON documents (collection, seq);
    `);
    this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.#list = this.#db.prepare('SELECT value FROM documents WHERE collection = ? ORDER BY seq');
    this.#get = this.#db.prepare('SELECT value FROM documents WHERE collection = ? AND key = ?');
    this.#put = this.#db.prepare(
      'INSERT INTO documents (collection, key, value) VALUES (?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value',
    );
    this.#delete = this.#db.prepare('DELETE FROM documents WHERE collection = ? AND key = ?');
    this.#clear = this.#db.prepare('DELETE FROM documents WHERE substr(collection, 1, length(@prefix)) = @prefix');
  }

  list<T>(collection: string): T[] {
    return this.#list.all(collection).map((row) => JSON.parse(row.value) as T);
  }

  get<T>(collection: string, key: string): T | undefined {
    const row = this.#get.get(collection, key);
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  put(collection: string, key: string, value: unknown): void {
    this.#put.run(collection, key, JSON.stringify(value));
  }

  delete(collection: string, key: string): void {
    this.#delete.run(collection, key);
  }

  clear(prefix: string): void {
    this.#clear.run({ prefix });
  }

  transaction<T>(fn: () => T): T {
    // Nested calls join the outer transaction (better-sqlite3 uses savepoints).
    return this.#db.transaction(fn)();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** A counter kept in the store (ticket and case numbers): the next value, persisted before it is handed out. */
export function nextNumber(store: StandInStore, name: string, first = 1): number {
  return store.transaction(() => {
    const next = store.get<number>('counters', name) ?? first;
    store.put('counters', name, next + 1);
    return next;
  });
}
