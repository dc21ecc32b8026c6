// The playbooks as the API and the worker process see them: every registry entry's definition
// (contract, business key, summary, checks), by name, with its workflow type.
import { Value } from 'typebox/value';
import { loadPlaybooks, type Playbook } from '../workflows/kit/playbook.js';
import { registry } from '../workflows/registry.js';
import { DirectoryError, type Directory } from './directory.js';

export const playbooks: Readonly<Record<string, Playbook>> = await loadPlaybooks(registry);
export const playbookNames = Object.keys(playbooks);
export type { Playbook };
export type { FieldError } from '../workflows/kit/contract.js';

/**
 * Checks each playbook's section of the directory file (`playbooks.<name>`) against the playbook's
 * `settings` schema and checks, and puts the section back with its defaults applied (so the workflows
 * read complete settings). Throws a DirectoryError naming every offending path, e.g.
 * `/playbooks/gameday-issue/events/summit/end: must be after start`.
 */
export function checkPlaybookSettings(directory: Directory, source: string, defs: Readonly<Record<string, Playbook>> = playbooks): void {
  const problems: string[] = [];
  const sections = directory.data.playbooks;
  for (const name of Object.keys(sections)) {
    if (!Object.hasOwn(defs, name)) problems.push(`/playbooks/${name}: no playbook is named '${name}'; known: ${Object.keys(defs).join(', ')}`);
    else if (!defs[name]!.settings) problems.push(`/playbooks/${name}: playbook '${name}' takes no settings`);
  }
  for (const def of Object.values(defs)) {
    if (!def.settings) continue;
    const at = `/playbooks/${def.name}`;
    const section = Value.Default(def.settings.schema, Value.Clone(sections[def.name] ?? {}));
    const errors = Value.Errors(def.settings.schema, section);
    if (errors.length > 0) {
      for (const e of errors.slice(0, 10)) {
        const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
        problems.push(`${at}${e.instancePath}${missing?.length ? `/${missing.join(',')}` : ''}: ${e.message}`);
      }
      continue;
    }
    for (const e of def.settings.check?.(section, directory) ?? []) problems.push(`${at}${e.field}: ${e.message}`);
    sections[def.name] = section;
  }
  if (problems.length > 0) throw new DirectoryError(`invalid directory file ${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
