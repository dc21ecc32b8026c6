// The facts the siren post needs (seed step 2), computed from the reports: what exactly, first and
// last seen, how many customers, the common thread where the data allows (only some e-mail domains?
// only mobile? one membership tier? one error code?) and sample customer addresses. Pure, so the
// tests check it directly and the workflow recomputes it as reports arrive.
import { customerKey, emailDomain, MOBILE_PLATFORMS, type ProductArea } from './codes.js';
import type { CommonThread, IncidentFacts, ReportRecord } from './contract.js';
import { SAMPLE_ADDRESSES, THREAD_MIN_KNOWN } from './sop.js';

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

/**
 * A field's common thread: among the reports that say (known), at least THREAD_MIN_KNOWN and all
 * the same value. Reports that do not say neither confirm nor break it; `known`/`of` tell how many said.
 */
function sameValue(kind: CommonThread['kind'], values: readonly (string | null)[]): CommonThread | null {
  const known = values.filter((v): v is string => v !== null);
  const set = distinct(known);
  return known.length >= THREAD_MIN_KNOWN && set.length === 1 ? { kind, values: set, known: known.length, of: values.length } : null;
}

/** The common threads of the reports, most telling first. */
export function commonThreads(reports: readonly ReportRecord[]): CommonThread[] {
  const threads: CommonThread[] = [];
  // E-mail domains: over the distinct customers; one domain for three or more, or two domains for six or more.
  const customers = distinct(reports.map((r) => customerKey(r.customerEmail)));
  const domains = distinct(customers.map(emailDomain)).sort();
  if (domains.length <= 2 && customers.length >= THREAD_MIN_KNOWN * domains.length) {
    threads.push({ kind: 'email-domain', values: domains, known: customers.length, of: customers.length });
  }
  // Platform: one platform, else all mobile.
  const platforms = reports.map((r) => (r.platform === 'unknown' ? null : r.platform));
  const platform = sameValue('platform', platforms);
  if (platform) threads.push(platform);
  else {
    const known = platforms.filter((p): p is NonNullable<typeof p> => p !== null);
    if (known.length >= THREAD_MIN_KNOWN && known.every((p) => MOBILE_PLATFORMS.includes(p))) {
      threads.push({ kind: 'mobile', values: distinct(known).sort(), known: known.length, of: reports.length });
    }
  }
  const tier = sameValue('tier', reports.map((r) => (r.membershipTier ? r.membershipTier.toLowerCase() : null)));
  if (tier) threads.push(tier);
  const code = sameValue('error-code', reports.map((r) => r.errorCode));
  if (code) threads.push(code);
  return threads;
}

/** The siren's facts from the reports so far (at least one). */
export function incidentFacts(reports: readonly ReportRecord[]): IncidentFacts {
  const first = reports[0];
  if (!first) throw new RangeError('incidentFacts needs at least one report');
  const seen = reports.map((r) => r.seenAt).sort();
  const customers = distinct(reports.map((r) => customerKey(r.customerEmail)));
  const codes = distinct(reports.map((r) => r.errorCode).filter((c): c is string => c !== null));
  return {
    what: first.problem,
    productAreas: distinct(reports.map((r) => r.productArea)) as ProductArea[],
    errorCode: codes.length === 1 ? codes[0]! : null,
    firstSeen: seen[0]!,
    lastSeen: seen.at(-1)!,
    customers: customers.length,
    reports: reports.length,
    thread: commonThreads(reports),
    samples: customers.slice(0, SAMPLE_ADDRESSES),
    screenshotUrl: reports.find((r) => r.screenshotUrl)?.screenshotUrl ?? null,
  };
}
