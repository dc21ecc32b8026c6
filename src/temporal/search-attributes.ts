// Registering the project's search attributes on a cluster (the dev server gets them as flags): the
// kit's (every escalation has them) and those a playbook definition declares.
import type { Connection } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Logger } from 'pino';
import { searchAttributeKeys as kitKeys } from '../../workflows/kit/search-attributes.js';
import { playbooks } from '../playbooks.js';

const searchAttributeKeys: SearchAttributePair['key'][] = [
  ...new Map([...kitKeys, ...Object.values(playbooks).flatMap((p) => p.searchAttributeKeys ?? [])].map((k) => [k.name, k])).values(),
];

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { IndexedValueType } = proto.temporal.api.enums.v1;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const indexedType: Record<string, IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

export function searchAttributeTypes(): Record<string, IndexedValueType> {
  return Object.fromEntries(searchAttributeKeys.map((k) => [k.name, indexedType[k.type]!]));
}

/** `Name=Type` pairs as the `temporal` CLI spells them, e.g. `EscalationPlaybook=Keyword`. */
export function searchAttributePairs(): string[] {
  return searchAttributeKeys.map((k) => `${k.name}=${cliType(k.type)}`);
}

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return searchAttributePairs().flatMap((pair) => ['--search-attribute', pair]);
}

const cliTypes: Record<string, string> = { DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
function cliType(type: string): string {
  return cliTypes[type] ?? type.charAt(0) + type.slice(1).toLowerCase();
}

/** Adds missing search attributes; on clusters that forbid it (e.g. Cloud), says what to add by hand. */
export async function ensureSearchAttributes(connection: Connection, namespace: string, log: Logger): Promise<void> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = searchAttributeKeys.filter((k) => !have.has(k.name));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, indexedType[k.type]!])),
    });
    log.info({ added: missing.map((k) => k.name) }, 'registered search attributes');
  } catch (err) {
    log.warn(
      { err, required: searchAttributeKeys.map((k) => `${k.name}=${cliType(k.type)}`) },
      'could not check or register search attributes; register them on the namespace by hand',
    );
  }
}
