// Search attributes make escalations findable in the Temporal Web UI and the list API
// (e.g. `EscalationPlaybook = "live-delivery" AND EscalationStatus = "awaiting-facilitator"`).
// They are indexed in the clear (the payload codec cannot encrypt them): never personal data.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const playbookKey = defineSearchAttributeKey('EscalationPlaybook', SearchAttributeType.KEYWORD);
export const statusKey = defineSearchAttributeKey('EscalationStatus', SearchAttributeType.KEYWORD);
/** The business time the escalation is about (a session's start, a report's time). */
export const businessTimeKey = defineSearchAttributeKey('EscalationBusinessTime', SearchAttributeType.DATETIME);

/** The earliest pending deadline (unset when none is pending, e.g. after the outcome): what comes next. */
export const nextDeadlineKey = defineSearchAttributeKey('EscalationNextDeadline', SearchAttributeType.DATETIME);

export const searchAttributeKeys = [playbookKey, statusKey, businessTimeKey, nextDeadlineKey] as const;

// Keys a playbook may use (listed in its definition's `searchAttributeKeys`, registered with the others).

/** The client (customer account) the escalation is about: its account id, never a name. */
export const clientKey = defineSearchAttributeKey('EscalationClient', SearchAttributeType.KEYWORD);
/** The escalation's severity (e.g. critical, high, normal, low). */
export const severityKey = defineSearchAttributeKey('EscalationSeverity', SearchAttributeType.KEYWORD);
/** Who works the escalation now: a directory person key (a pseudonymous key, not a name or address). */
export const assigneeKey = defineSearchAttributeKey('EscalationAssignee', SearchAttributeType.KEYWORD);
