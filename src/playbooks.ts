// The playbooks as the API and the worker process see them: every registry entry's definition
// (contract, business key, summary, checks), by name, with its workflow type; and their deployment
// settings, read from the environment.
import { Value } from 'typebox/value';
import { loadPlaybooks, type Playbook, type PlaybookSettings } from '../workflows/kit/playbook.js';
import { registry } from '../workflows/registry.js';

export const playbooks: Readonly<Record<string, Playbook>> = await loadPlaybooks(registry);
export const playbookNames = Object.keys(playbooks);
export type { Playbook, PlaybookSettings };
export type { FieldError } from '../workflows/kit/contract.js';

/** Each playbook's settings, by playbook name (`{}` for a playbook without settings). */
export type AllPlaybookSettings = Readonly<Record<string, PlaybookSettings>>;

/** A setting that is present but malformed: `variable` is the environment variable. */
export interface SettingProblem {
  variable: string;
  message: string;
}

/**
 * Every playbook's `settings` read from `env` (unset or empty: the default), or the problems naming
 * each malformed variable. Environment values are strings: numbers and booleans are converted.
 */
export function readPlaybookSettings(env: Readonly<Record<string, string | undefined>>): { settings: AllPlaybookSettings; problems: SettingProblem[] } {
  const settings: Record<string, PlaybookSettings> = {};
  const problems: SettingProblem[] = [];
  for (const def of Object.values(playbooks)) {
    if (!def.settings) {
      settings[def.name] = {};
      continue;
    }
    const raw: Record<string, unknown> = {};
    for (const key of Object.keys(def.settings.properties)) {
      const value = env[key];
      if (value !== undefined && value !== '') raw[key] = value;
    }
    const value = Value.Default(def.settings, Value.Convert(def.settings, raw));
    const errors = Value.Errors(def.settings, value);
    for (const e of errors) {
      const variable = e.instancePath.replace(/^\//, '');
      problems.push({ variable, message: `${e.message} (got ${JSON.stringify(raw[variable] ?? null)})` });
    }
    if (errors.length === 0) problems.push(...(def.checkSettings?.(value as never) ?? []));
    settings[def.name] = Object.freeze(value as PlaybookSettings);
  }
  return { settings: Object.freeze(settings), problems };
}

/** The settings with every default (no environment): for tests and tools that build the app directly. */
export const defaultPlaybookSettings = (): AllPlaybookSettings => readPlaybookSettings({}).settings;
