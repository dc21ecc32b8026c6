// Which events make sense for which issue type; the update validator rejects the rest (HTTP 400).
import type { IssueType, LiveDeliveryEvent } from './contract.js';

/** Which events make sense for which issue type (owner-acknowledged: all). */
export const eventsByIssueType: Record<IssueType, LiveDeliveryEvent['type'][]> = {
  'facilitator-no-show': ['owner-acknowledged', 'facilitator-reached', 'facilitator-no-answer', 'facilitator-arrived', 'late-facilitator', 'client-informed', 'client-unreachable'],
  'participant-no-show': ['owner-acknowledged', 'client-reached', 'client-unreachable', 'details-mismatch', 'participants-arrived', 'client-informed'],
  'tech-issue': ['owner-acknowledged', 'tech-issue-cause', 'tech-resolved', 'session-ended-early', 'client-informed', 'client-unreachable'],
};

/** Events added with patch live-delivery-sop-v2: an escalation opened before it does not take them. */
export const V2_EVENTS: LiveDeliveryEvent['type'][] = ['late-facilitator', 'client-informed', 'tech-issue-cause'];

/**
 * What each cutoff closes (issue 17 item 1): from its instant on these events are refused (409
 * naming it), whatever the worker's latency. The call telling the client that follows a
 * cancellation (client-informed, client-unreachable) stays open: the participant cutoff closes the
 * first call's client-unreachable, and the kit reopens it while the outcome call expects it.
 */
export const closedByCutoff: Record<IssueType, LiveDeliveryEvent['type'][]> = {
  'facilitator-no-show': ['owner-acknowledged', 'facilitator-reached', 'facilitator-no-answer', 'facilitator-arrived', 'late-facilitator'],
  'participant-no-show': ['owner-acknowledged', 'client-reached', 'client-unreachable', 'details-mismatch', 'participants-arrived'],
  'tech-issue': ['owner-acknowledged', 'tech-issue-cause', 'tech-resolved', 'session-ended-early'],
};
