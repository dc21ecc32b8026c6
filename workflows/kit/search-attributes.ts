// Search attributes make escalations findable in the Temporal Web UI and the list API
// (e.g. `EscalationPlaybook = "live-delivery" AND EscalationStatus = "awaiting-facilitator"`).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const playbookKey = defineSearchAttributeKey('EscalationPlaybook', SearchAttributeType.KEYWORD);
export const statusKey = defineSearchAttributeKey('EscalationStatus', SearchAttributeType.KEYWORD);
/** The business time the escalation is about (a session's start, a report's time). */
export const businessTimeKey = defineSearchAttributeKey('EscalationBusinessTime', SearchAttributeType.DATETIME);

/** The earliest pending deadline (unset when none is pending, e.g. after the outcome): what comes next. */
export const nextDeadlineKey = defineSearchAttributeKey('EscalationNextDeadline', SearchAttributeType.DATETIME);

export const searchAttributeKeys = [playbookKey, statusKey, businessTimeKey, nextDeadlineKey] as const;
