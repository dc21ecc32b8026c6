// Durations in milliseconds, workflow-time instants and the one local-time format people read in
// Slack and on the timeline.

const MINUTE = 60_000;
export const minutes = (n: number) => n * MINUTE;
export const hours = (n: number) => n * 60 * MINUTE;

/** Now (the workflow's deterministic clock inside a workflow) as an ISO instant. */
export const nowIso = () => new Date(Date.now()).toISOString();

/** "Mon 23 Nov, 11:00 CST" in the given zone, for people reading Slack. */
export function localTime(iso: string | number, timeZone: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}
