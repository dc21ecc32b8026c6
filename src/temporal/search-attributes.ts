// Registering the project's search attributes on a cluster (the dev server gets them as flags).
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Logger } from 'pino';
import { searchAttributeKeys } from '../../workflows/kit/search-attributes.js';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { IndexedValueType } = proto.temporal.api.enums.v1;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const indexedType: Record<string, IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
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

function cliType(type: string): string {
  return type === 'DATETIME' ? 'Datetime' : type.charAt(0) + type.slice(1).toLowerCase();
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
