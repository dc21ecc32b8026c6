// The event an issue belongs to: its live window, as plain functions of its settings and an instant
// (epoch ms), so the workflow and the API judge it the same way.
import { minutes } from '../kit/time.js';
import { GAMEDAY_DEFAULTS } from './codes.js';
import type { GamedayEventSettings, GamedayEventView, NotLiveFlag } from './contract.js';

/** The event's settings from the directory file with the playbook's defaults for what they leave out. */
export function eventView(key: string, settings: GamedayEventSettings): GamedayEventView {
  return {
    key,
    ...settings,
    liveWindowMinutes: settings.liveWindowMinutes ?? GAMEDAY_DEFAULTS.liveWindowMinutes,
    ackMinutes: settings.ackMinutes ?? GAMEDAY_DEFAULTS.ackMinutes,
    notLiveAckMinutes: settings.notLiveAckMinutes ?? GAMEDAY_DEFAULTS.notLiveAckMinutes,
    followUpDays: settings.followUpDays ?? GAMEDAY_DEFAULTS.followUpDays,
  };
}

/** When the event counts as live: from its start minus `liveWindowMinutes` to its end. */
export function liveWindow(event: GamedayEventView): { from: number; to: number } {
  return { from: Date.parse(event.start) - minutes(event.liveWindowMinutes), to: Date.parse(event.end) };
}

/** null while the event is live at `at`; otherwise why not (before its window, or after its end). */
export function notLiveFlag(event: GamedayEventView, at: number): NotLiveFlag {
  const { from, to } = liveWindow(event);
  if (at < from) return 'before-window';
  if (at > to) return 'after-end';
  return null;
}
