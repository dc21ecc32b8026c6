// Timer precision: from a deadline's instant to the message it causes arriving at the stand-in.
// Facilitator no-shows are opened with their session's 15-minute cutoff a few seconds ahead
// (startTime = now - 15 min + lead); the SOP's duration is never shortened. The cutoff's first
// message is the client email (template 1) at the SendGrid stand-in.
import type { Directory } from '../../src/directory.js';
import { Api, liveDelivery, type Prepared } from '../lib/escalations.js';
import type { Stack } from '../lib/stack.js';
import { percentile, round, type Row } from '../lib/stats.js';

export const CUTOFF_MS = 15 * 60_000;
const CUTOFF_STEP = 'client-email-facilitator-no-show';

export interface TimerResult {
  /** ms from each deadline instant to its message at the stand-in; null = never arrived. */
  lateness: (number | null)[];
  rows: Row[];
}

export async function timerPrecision(
  stack: Stack,
  directory: Directory,
  opts: { count?: number; firstLeadMs?: number; spacingMs?: number; section?: string; log: (l: string) => void },
): Promise<TimerResult> {
  const count = opts.count ?? 20;
  const firstLead = opts.firstLeadMs ?? 10_000;
  const spacing = opts.spacingMs ?? 500;
  const section = opts.section ?? 'timer precision';
  const api = new Api(stack.apiUrl);
  const t0 = Date.now();
  // Deadlines spread over count * spacing ms, so each one is measured on its own.
  const escalations: { p: Prepared; deadline: number }[] = [];
  for (let i = 0; i < count; i++) {
    const deadline = t0 + firstLead + i * spacing;
    escalations.push({ p: liveDelivery(directory, deadline - CUTOFF_MS - Date.now()), deadline });
  }
  opts.log(`${section}: ${count} facilitator no-shows, cutoffs ${firstLead / 1000}-${(firstLead + (count - 1) * spacing) / 1000} s ahead`);
  await Promise.all(escalations.map(({ p }) => api.start(p)));
  const behind = Date.now() - t0;
  if (behind > firstLead) opts.log(`  (starting took ${behind} ms: the first cutoffs had passed before their escalation was open)`);

  const arrived = (e: { p: Prepared }) => stack.arrivals.first(e.p.id, (m) => m.step === CUTOFF_STEP);
  await stack.arrivals.until(() => escalations.every(arrived), firstLead + count * spacing + 60_000);
  const lateness = escalations.map((e) => {
    const m = arrived(e);
    return m ? m.at - e.deadline : null;
  });
  const got = lateness.filter((x): x is number => x !== null);
  const missing = count - got.length;
  const rows: Row[] = [
    ['min', Math.min(...got)],
    ['median', percentile(got, 50)],
    ['p99', percentile(got, 99)],
    ['max', Math.max(...got)],
  ].map(([figure, v], i) => ({
    section,
    figure: `deadline -> stand-in ${figure as string}`,
    unit: 'ms' as const,
    api: round(v as number),
    raw: null,
    ratio: null,
    ...(figure === 'p99' && section.includes('capacity') && { goal: '<= 250 ms', met: (v as number) <= 250 }),
    ...(i === 0 && { note: `${got.length} of ${count} deadlines${missing ? `, ${missing} never arrived` : ''}; the server fires, the worker runs the activity, the stand-in receives` }),
  }));
  return { lateness, rows };
}
