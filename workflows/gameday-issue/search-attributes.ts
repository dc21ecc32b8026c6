// gameday-issue's own search attributes (registered through its definition, like the kit's): which
// event an issue belongs to, the highest tier it reached and its outcome. They make an event's issues
// listable (`GET /escalations?playbook=gameday-issue&event=<key>`, the Web UI) and let the gameday
// summary read them through visibility. No personal data: they are not encrypted.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { GAMEDAY_SEARCH_ATTRIBUTES } from './codes.js';

export const gamedayEventKey = defineSearchAttributeKey(GAMEDAY_SEARCH_ATTRIBUTES.event, SearchAttributeType.KEYWORD);
export const gamedayTierKey = defineSearchAttributeKey(GAMEDAY_SEARCH_ATTRIBUTES.tier, SearchAttributeType.KEYWORD);
export const gamedayOutcomeKey = defineSearchAttributeKey(GAMEDAY_SEARCH_ATTRIBUTES.outcome, SearchAttributeType.KEYWORD);

export const gamedaySearchAttributeKeys = [gamedayEventKey, gamedayTierKey, gamedayOutcomeKey];
