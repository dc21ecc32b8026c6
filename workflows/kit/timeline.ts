import type { TimelineEntry } from './state.js';

/** Append-only record of every step; `Date.now()` is the workflow's deterministic clock. */
export class Timeline {
  readonly entries: TimelineEntry[] = [];

  /** `onAdd` sees every new entry (the kit counts deadlines, failures and outcomes from them). */
  constructor(private readonly onAdd?: (entry: TimelineEntry) => void) {}

  /** `at` defaults to now; give it for a step that happened before the workflow saw it (the opening). */
  add(kind: string, detail: string, actor = 'engine', data?: Record<string, unknown>, at: Date = new Date(Date.now())): TimelineEntry {
    const entry: TimelineEntry = { at: at.toISOString(), kind, actor, detail, ...(data && { data }) };
    this.entries.push(entry);
    this.onAdd?.(entry);
    return entry;
  }
}
