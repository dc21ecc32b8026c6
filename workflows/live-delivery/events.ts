// Which events make sense for which issue type; the update validator rejects the rest (HTTP 400).
import type { IssueType, LiveDeliveryEvent } from './contract.js';

/** Which events make sense for which issue type (owner-acknowledged: all). */
export const eventsByIssueType: Record<IssueType, LiveDeliveryEvent['type'][]> = {
  'facilitator-no-show': ['owner-acknowledged', 'facilitator-reached', 'facilitator-no-answer', 'facilitator-arrived'],
  'participant-no-show': ['owner-acknowledged', 'client-reached', 'client-unreachable', 'details-mismatch', 'participants-arrived'],
  'tech-issue': ['owner-acknowledged', 'tech-resolved', 'session-ended-early'],
};
