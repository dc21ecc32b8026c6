// The gameday summary's arithmetic: an event's issues as visibility shows them (tier and outcome from
// their search attributes, times and titles from their memo) turned into counts, medians and worst
// cases. Pure and deterministic: it runs in the summary workflow.
import type { VisibleWorkflow } from '../../activities/index.js';
import { FIGURES_MEMO_KEY, GAMEDAY_SEARCH_ATTRIBUTES, type GamedayOutcome, type Tier } from './codes.js';
import type { GamedayFigures } from './contract.js';

/** One issue, as the summary counts it. Instants in epoch ms. */
export interface IssueRow {
  id: string;
  raisedAt: number;
  tier: Tier;
  outcome: GamedayOutcome | null;
  acknowledgedAt: number | null;
  escalatedAt: number | null;
  techAcknowledgedAt: number | null;
  decidedAt: number | null;
  title: string;
  threadUrl: string | null;
}

/** Durations in milliseconds over the issues that have one; `missing`: those that do not (yet). */
export interface Durations {
  count: number;
  missing: number;
  medianMs: number | null;
  worstMs: number | null;
}

export interface FollowUp {
  id: string;
  title: string;
  threadUrl: string | null;
  tier: Tier;
  /** `open`: no outcome when the event ended; `follow-up`: "cannot be fixed during the event". */
  state: 'open' | 'follow-up';
}

export interface GamedayTotals {
  /** Issues raised up to the event's end. */
  raised: number;
  byTier: Record<Tier, number>;
  byOutcome: Record<GamedayOutcome | 'open', number>;
  /** Tier 2: from the issue's post to the response team's acknowledgement. */
  acknowledge: Durations;
  /** Tier 3: from the escalation to tech support's acknowledgement. */
  techAcknowledge: Durations;
  /** From the issue's post to its resolution or workaround. */
  resolve: Durations;
  /** Open issues and "cannot be fixed during the event", oldest first. */
  followUps: FollowUp[];
  /** Issues raised after the event's end: not counted above. */
  raisedAfterEnd: number;
}

const time = (iso: unknown): number | null => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);

/** An issue from its visibility record; tier and outcome from the search attributes, the rest from the memo. */
export function issueRow(w: VisibleWorkflow): IssueRow {
  const f = (w.memo[FIGURES_MEMO_KEY] ?? {}) as Partial<GamedayFigures>;
  const tier = w.searchAttributes[GAMEDAY_SEARCH_ATTRIBUTES.tier] === 'tier-3' || f.tier === 'tier-3' ? 'tier-3' : 'tier-2';
  const sa = w.searchAttributes[GAMEDAY_SEARCH_ATTRIBUTES.outcome];
  const outcome = sa === 'resolved' || sa === 'workaround' || sa === 'follow-up' ? sa : (f.outcome ?? null);
  return {
    id: w.workflowId,
    raisedAt: time(f.raisedAt) ?? Date.parse(w.startTime),
    tier,
    outcome,
    acknowledgedAt: time(f.acknowledgedAt),
    escalatedAt: time(f.escalatedAt),
    techAcknowledgedAt: time(f.techAcknowledgedAt),
    decidedAt: time(f.decidedAt),
    title: typeof f.title === 'string' ? f.title : w.workflowId,
    threadUrl: typeof f.threadUrl === 'string' ? f.threadUrl : null,
  };
}

/** The median (the mean of the two middle values for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function durations(values: readonly (number | null)[]): Durations {
  const known = values.filter((v): v is number => v !== null);
  return { count: known.length, missing: values.length - known.length, medianMs: median(known), worstMs: known.length ? Math.max(...known) : null };
}

const between = (from: number | null, to: number | null) => (from !== null && to !== null ? Math.max(0, to - from) : null);

/** The summary of the issues raised up to `endMs`; issues decided after `endMs` count as open (as they were when the event ended). */
export function summarise(all: readonly IssueRow[], endMs: number): GamedayTotals {
  const rows = all.filter((r) => r.raisedAt <= endMs).sort((a, b) => a.raisedAt - b.raisedAt || a.id.localeCompare(b.id));
  const atEnd = (at: number | null) => (at !== null && at <= endMs ? at : null);
  const outcomeAtEnd = (r: IssueRow) => (atEnd(r.decidedAt) !== null ? r.outcome : null);
  const byOutcome = { resolved: 0, workaround: 0, 'follow-up': 0, open: 0 };
  for (const r of rows) byOutcome[outcomeAtEnd(r) ?? 'open']++;
  const tier3 = rows.filter((r) => r.tier === 'tier-3');
  const solved = rows.filter((r) => outcomeAtEnd(r) === 'resolved' || outcomeAtEnd(r) === 'workaround');
  return {
    raised: rows.length,
    byTier: { 'tier-2': rows.length - tier3.length, 'tier-3': tier3.length },
    byOutcome,
    acknowledge: durations(rows.map((r) => between(r.raisedAt, atEnd(r.acknowledgedAt)))),
    techAcknowledge: durations(tier3.map((r) => between(r.escalatedAt, atEnd(r.techAcknowledgedAt)))),
    resolve: durations(solved.map((r) => between(r.raisedAt, r.decidedAt))),
    followUps: rows
      .filter((r) => outcomeAtEnd(r) === null || outcomeAtEnd(r) === 'follow-up')
      .map((r) => ({ id: r.id, title: r.title, threadUrl: r.threadUrl, tier: r.tier, state: outcomeAtEnd(r) === 'follow-up' ? 'follow-up' : 'open' })),
    raisedAfterEnd: all.length - rows.length,
  };
}

/** "45 s", "4 min 30 s", "1 h 05 min". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
