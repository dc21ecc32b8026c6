// Filters of GET /escalations that playbooks declare (`listFilters` in their definitions): each is a
// query parameter matching one of the playbook's keyword search attributes, e.g.
// `GET /escalations?playbook=gameday-issue&event=northwind-summit-2026` -> `GamedayEvent = "northwind-summit-2026"`.
// A filter needs the playbook that declares it; its value must match the declared pattern.
import { Type, type TProperties } from 'typebox';
import type { Playbook } from '../playbooks.js';
import { problems, type FieldProblem } from '../problem.js';

/** The route's own parameters: a playbook may not declare a filter by these names. */
const RESERVED = new Set(['playbook', 'status', 'limit']);

/** An equality condition on a search attribute, for the visibility query. */
export interface ListCondition {
  searchAttribute: string;
  value: string;
}

/** Every declared filter as an optional query parameter (for the route's schema and the OpenAPI document). */
export function listFilterProperties(defs: Readonly<Record<string, Playbook>>): TProperties {
  const byName = new Map<string, string[]>();
  for (const def of Object.values(defs)) {
    for (const [name, filter] of Object.entries(def.listFilters ?? {})) {
      if (RESERVED.has(name) || !/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw new Error(`playbook ${def.name}: list filter '${name}' is not a usable query parameter name`);
      byName.set(name, [...(byName.get(name) ?? []), filter.description]);
    }
  }
  return Object.fromEntries(
    [...byName].map(([name, descriptions]) => [
      name,
      Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: `${descriptions.join('; ')}. Needs playbook=` })),
    ]),
  );
}

/** The conditions the query's declared filters ask for; a 400 naming the parameter when one does not fit. */
export function listConditions(defs: Readonly<Record<string, Playbook>>, query: Record<string, unknown>): ListCondition[] {
  const declared = new Set(Object.values(defs).flatMap((d) => Object.keys(d.listFilters ?? {})));
  const given = Object.keys(query).filter((name) => declared.has(name) && query[name] !== undefined);
  if (given.length === 0) return [];
  const def = typeof query.playbook === 'string' ? defs[query.playbook] : undefined;
  const errors: FieldProblem[] = [];
  const conditions: ListCondition[] = [];
  for (const name of given) {
    const filter = def?.listFilters?.[name];
    const value = String(query[name]);
    if (!filter) {
      const owners = Object.values(defs).filter((d) => d.listFilters?.[name]).map((d) => d.name);
      errors.push({ in: 'query', field: `/${name}`, message: `filters ${owners.join(', ')} escalations: add playbook=${owners[0]}` });
    } else if (!new RegExp(filter.pattern).test(value)) {
      errors.push({ in: 'query', field: `/${name}`, message: `must match ${filter.pattern}` });
    } else {
      conditions.push({ searchAttribute: filter.key.name, value });
    }
  }
  if (errors.length > 0) throw problems.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  return conditions;
}
