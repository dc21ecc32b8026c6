// Durations in milliseconds, workflow-time instants and the one local-time format people read in
// Slack and on the timeline.

const MINUTE = 60_000;
export const minutes = (n: number) => n * MINUTE;
export const hours = (n: number) => n * 60 * MINUTE;
export const days = (n: number) => n * 24 * 60 * MINUTE;

/** Now (the workflow's deterministic clock inside a workflow) as an ISO instant. */
export const nowIso = () => new Date(Date.now()).toISOString();

/** "Mon 23 Nov, 11:00 CST" in the given zone, for people reading Slack. */
export function localTime(iso: string | number, timeZone: string, locale = 'en-GB'): string {
  return localTimeFormat(locale, timeZone).format(new Date(iso));
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (about a millisecond on a
// busy core, on every start's summary in the API and every Slack line in the worker); a formatter
// for a locale and zone always formats alike, so it is kept. Bounded: at most FORMATS_KEPT.
const FORMATS_KEPT = 2_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function localTimeFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    if (formats.size < FORMATS_KEPT) formats.set(key, format);
  }
  return format;
}
