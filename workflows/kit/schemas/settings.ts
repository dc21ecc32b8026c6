// The run-time side of the contract helpers (Instant, CalendarDate, Link): the plausible window of
// business dates and the link schemes people may click. Schemas are module-level values, so the
// checks read these settings when they run; the API sets them once from the configuration
// (BUSINESS_DATE_PAST_DAYS, BUSINESS_DATE_FUTURE_DAYS, LINK_SCHEMES).

export type LinkScheme = 'https' | 'http';

export interface ContractSettings {
  /** How far back a business date may lie (a session started up to 30 days ago), in days. */
  businessPastDays: number;
  /** How far ahead a business date may lie (a session booked up to a year ahead), in days. */
  businessFutureDays: number;
  /** Schemes a clickable link may use: https only unless http is configured. */
  linkSchemes: readonly LinkScheme[];
}

export const DEFAULT_CONTRACT_SETTINGS: ContractSettings = Object.freeze({
  businessPastDays: 30,
  businessFutureDays: 365,
  linkSchemes: Object.freeze(['https'] as LinkScheme[]),
});

/**
 * How far into the future a time that has already happened (a report, a complaint, a meeting held)
 * may lie: clocks of callers and servers disagree by seconds, rarely by minutes.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

let current: ContractSettings = DEFAULT_CONTRACT_SETTINGS;
let clock: () => number = () => Date.now();

export function configureContract(settings: Partial<ContractSettings>): void {
  current = Object.freeze({ ...DEFAULT_CONTRACT_SETTINGS, ...settings });
}

export function contractSettings(): ContractSettings {
  return current;
}

/** The instant windows are measured from: now, unless `atInstant` says otherwise. */
export function contractNow(): number {
  return clock();
}

/**
 * Runs `fn` with the windows measured from `now` (e.g. re-checking an escalation's input as of the
 * moment it was started). Synchronous on purpose: nothing else can run while the clock is moved.
 */
export function atInstant<T>(now: number, fn: () => T): T {
  const saved = clock;
  clock = () => now;
  try {
    return fn();
  } finally {
    clock = saved;
  }
}
