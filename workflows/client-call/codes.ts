// client-call: plain data the API (contract.ts) and the workflow both use. No imports, so the
// workflow bundle can take it as values.

/** How bad an issue is for the client (SOP: "What is the impact/severity of the issues?"), worst first. */
export const SEVERITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_MEANING: Record<Severity, string> = {
  critical: 'the client cannot work, or a critical part of their business is down',
  high: 'a major part of their work is impaired, with no good workaround',
  normal: 'impaired, with a workaround',
  low: 'an inconvenience',
};

/** The worst of the given severities. */
export function worstSeverity(severities: readonly Severity[]): Severity {
  return SEVERITIES.find((s) => severities.includes(s)) ?? 'normal';
}

/** How the client wants to be kept in the loop (SOP: "preferred method of contact"). */
export const CONTACT_METHODS = ['email', 'phone'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** The client-update events: each one goes to the client by their preferred channel. */
export const CLIENT_UPDATE_EVENTS = ['cause-identified', 'eta', 'roadblock'] as const;
export type ClientUpdateKind = (typeof CLIENT_UPDATE_EVENTS)[number];
