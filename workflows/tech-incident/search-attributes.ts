// tech-incident's own search attributes, for the Web UI and the list API: the problem key (a
// normalised slug, no personal data) and whether it is a single case or critical, e.g.
// `EscalationPlaybook = "tech-incident" AND TechIncidentCriticality = "critical"`.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const problemKeyKey = defineSearchAttributeKey('TechIncidentProblemKey', SearchAttributeType.KEYWORD);
/** `single-case` or `critical`. */
export const criticalityKey = defineSearchAttributeKey('TechIncidentCriticality', SearchAttributeType.KEYWORD);
