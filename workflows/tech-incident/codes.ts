// tech-incident (seed 004): plain data and pure functions the API (contract, definition) and the
// workflow both use: directory keys, product areas and platforms, the problem key's normalisation.
// No imports, so the workflow bundle can take it as values.

/** Directory keys the playbook relies on (see config/directory.example.yaml, the tech-incident section). */
export const TECH_INCIDENT_DIRECTORY = {
  /** Where the siren post goes (seed: the customer-success channel); its `locale` is the playbook's language. */
  channel: 'customer-success',
  /** The team's info channel, where the incident lead's status updates go (seed: the "i-Channel"). */
  infoChannel: 'cs-info',
  /** Tagged in the siren post (seed: the four people tagged). */
  onCallGroup: 'on-call',
  /** Phoned when nobody reacts within 15 minutes (seed step 4). */
  lead: 'on-call-lead',
  /** Phoned when the lead is on vacation or two calls go unanswered. */
  backup: 'on-call-backup',
  /** Group of agents trained for community (social-media) support: they check the groups themselves. */
  socialMediaTrained: 'social-media-trained',
  /**
   * The support agents: the one whose report made the problem critical tests it in the test account
   * and phones the lead or the backup (seed steps 2 and 4); the role rules let this group send those outcomes.
   */
  supportAgents: 'support-agents',
  /** The assigned social-media colleague, who takes the task from an agent who is not trained for it (seed step 5). */
  socialMediaAgent: 'social-media-agent',
} as const;

/** The technical-cases tracking list every report is written to (seed: "Technikfälle - Tracking"). */
export const TRACKING_LIST = 'technical-cases';

/** Where the problem shows (seed: member areas, the app, sync, login, content, the purchase). */
export const PRODUCT_AREAS = ['member-area', 'app', 'sync', 'login', 'content', 'checkout', 'other'] as const;
export type ProductArea = (typeof PRODUCT_AREAS)[number];

/** Device and platform the customer used. */
export const PLATFORMS = ['web-desktop', 'web-mobile', 'ios-app', 'android-app', 'unknown'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Platforms that count as mobile use (seed: "Nur in der mobilen Nutzung?"). */
export const MOBILE_PLATFORMS: readonly Platform[] = ['web-mobile', 'ios-app', 'android-app'];

/** The category the seed excludes from the tracking list ("#… Anwendungsfehler"): the default of TECH_INCIDENT_EXCLUDED_CATEGORIES. */
export const DEFAULT_EXCLUDED_CATEGORIES = ['application-error'] as const;

export const PROBLEM_KEY_MAX = 80;

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'ae', Ö: 'oe', Ü: 'ue' };

/**
 * A problem key as the escalation id uses it (`tech-incident:<key>`): lower case; German umlauts
 * and ß spelled out (ä -> ae, ß -> ss); other accents dropped (é -> e); every run of anything but
 * a-z and 0-9 one hyphen; no leading or trailing hyphen; at most 80 characters. So `Login 502`,
 * `login-502` and ` LOGIN_502! ` are one problem, and `Übung lädt nicht` is `uebung-laedt-nicht`.
 * Empty when nothing is left (the contract refuses such a key).
 */
export function normaliseProblemKey(raw: string): string {
  return raw
    .replace(/[äöüßÄÖÜ]/g, (c) => UMLAUTS[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, PROBLEM_KEY_MAX)
    .replace(/-+$/, '');
}

/** The key of a report without one: its product area and error code, e.g. `login-502`, `checkout`. */
export function problemKeyOf(report: { problemKey?: string | undefined; productArea: string; errorCode?: string | undefined }): string {
  return normaliseProblemKey(report.problemKey ?? `${report.productArea} ${report.errorCode ?? ''}`);
}

/** A customer as counted: the e-mail address trimmed and in lower case (the same customer twice counts once). */
export const customerKey = (email: string): string => email.trim().toLowerCase();

/** The domain of an e-mail address (lower case), e.g. `example.org`. */
export const emailDomain = (email: string): string => customerKey(email).split('@').pop() ?? '';
