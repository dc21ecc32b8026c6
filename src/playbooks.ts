// The playbooks as the API and the worker process see them: every registry entry's definition
// (contract, business key, summary, checks), by name, with its workflow type; their settings from
// the directory file (checkPlaybookSettings) and from the environment (readPlaybookSettings).
import { Value } from 'typebox/value';
import { convertEnvText } from './number-text.js';
import { schemaErrors } from './http/schema-errors.js';
import { loadPlaybooks, type Playbook, type PlaybookEnvSettings, type PlaybookSettings } from '../workflows/kit/playbook.js';
import { registry } from '../workflows/registry.js';
import { DirectoryError, type Directory } from './directory.js';

export const playbooks: Readonly<Record<string, Playbook>> = await loadPlaybooks(registry);
export const playbookNames = Object.keys(playbooks);
export type { Playbook, PlaybookEnvSettings, PlaybookSettings };
export type { FieldError } from '../workflows/kit/contract.js';

/** Each playbook's settings, by playbook name (`{}` for a playbook without settings). */
export type AllPlaybookSettings = Readonly<Record<string, PlaybookEnvSettings>>;

/** A setting that is present but malformed: `variable` is the environment variable. */
export interface SettingProblem {
  variable: string;
  message: string;
}

/**
 * Every playbook's `envSettings` read from `env` (unset or empty: the default), or the problems naming
 * each malformed variable. Environment values are strings: numbers and booleans are converted.
 */
export function readPlaybookSettings(env: Readonly<Record<string, string | undefined>>): { settings: AllPlaybookSettings; problems: SettingProblem[] } {
  const settings: Record<string, PlaybookEnvSettings> = {};
  const problems: SettingProblem[] = [];
  for (const def of Object.values(playbooks)) {
    if (!def.envSettings) {
      settings[def.name] = {};
      continue;
    }
    const raw: Record<string, unknown> = {};
    for (const key of Object.keys(def.envSettings.properties)) {
      const value = env[key];
      if (value !== undefined && value !== '') raw[key] = value;
    }
    const value = Value.Default(def.envSettings, convertEnvText(def.envSettings, raw));
    const errors = schemaErrors(def.envSettings, value);
    for (const e of errors) {
      const variable = e.field.replace(/^\//, '');
      problems.push({ variable, message: `${e.message} (got ${JSON.stringify(raw[variable] ?? null)})` });
    }
    if (errors.length === 0) problems.push(...(def.checkEnvSettings?.(value as never) ?? []));
    settings[def.name] = Object.freeze(value as PlaybookEnvSettings);
  }
  return { settings: Object.freeze(settings), problems };
}

/** The settings with every default (no environment): for tests and tools that build the app directly. */
export const defaultPlaybookSettings = (): AllPlaybookSettings => readPlaybookSettings({}).settings;

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
    const errors = schemaErrors(def.settings.schema, section);
    if (errors.length > 0) {
      for (const e of errors.slice(0, 10)) problems.push(`${at}${e.field === '/' ? '' : e.field}: ${e.message}`);
      continue;
    }
    for (const e of def.settings.check?.(section, directory) ?? []) problems.push(`${at}${e.field}: ${e.message}`);
    sections[def.name] = section;
  }
  if (problems.length > 0) throw new DirectoryError(`invalid directory file ${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
