// Everything tech-incident says in Slack, in German (the seed's language) and English, chosen by the
// locale of the customer-success channel in the directory. Built only with `slack`…``: what agents
// and customers typed (the problem, tickets, addresses, status updates) is data, escaped; mentions and
// links come only from here. Mentions name directory keys the API checked (the reporting agents) or
// the directory's roles; who sent an event is shown as text (an event's actor is not a directory key).
import type { SlackButton } from '../../activities/index.js';
import { link, lines, mention, slack, type SlackText } from '../kit/slack-text.js';
import { localTime } from '../kit/time.js';
import { TECH_INCIDENT_DIRECTORY, type Platform, type ProductArea } from './codes.js';
import type { CommonThread, IncidentFacts, ReportRecord } from './contract.js';

export type Locale = 'de' | 'en';

/** What the siren post shows besides the facts. */
export interface SirenState {
  problemKey: string;
  facts: IncidentFacts;
  agent: string;
  /** When the on-call group must have reacted (the report that made it critical + 15 minutes). */
  ackDueAt: string;
  reproduced: boolean | null;
  acknowledged: { by: string; at: string } | null;
  phoning: boolean;
  reached: { name: string } | null;
  resolved: boolean;
  trackingListUrl: string | null;
  timeZone: string;
  /** Now (workflow time), for "for about 2 hours". */
  now: number;
}

export interface CallRequest {
  agent: string;
  name: string;
  phone: string | undefined;
  role: 'lead' | 'backup';
  attempt: number;
  attempts: number;
  /** Why the lead is not called (away), when the backup is called first. */
  leadAway: { name: string; until: string | null } | null;
}

export interface Texts {
  areas: Record<ProductArea, string>;
  platforms: Record<Exclude<Platform, 'unknown'>, string>;
  local(iso: string | number, timeZone: string): string;
  singleCaseReport(r: { problemKey: string; report: ReportRecord; customers: number; criticalAbove: number; rowUrl: string | null }): SlackText;
  /** `reproduced`: the test-account result already reported (on the single case), or null when it is still to do. */
  madeCritical(r: {
    problemKey: string;
    customers: number;
    criticalAbove: number;
    ackDueAt: string;
    timeZone: string;
    sirenPosted: boolean;
    reproduced: boolean | null;
  }): SlackText;
  reproduceButtons: SlackButton[];
  nowCritical(r: { problemKey: string; customers: number; tickets: readonly ReportRecord[] }): SlackText;
  joinedCritical(r: { problemKey: string; report: ReportRecord; customers: number; rowUrl: string | null }): SlackText;
  siren(s: SirenState): SlackText;
  sirenButtons: SlackButton[];
  acknowledgedReply(by: string): SlackText;
  reproducedReply(value: boolean, by: string): SlackText;
  nobodyReacted(agent: string): SlackText;
  callRequest(c: CallRequest): SlackText;
  callButtons: SlackButton[];
  reachedReply(agent: string, name: string): SlackText;
  nobodyReached(agent: string): SlackText;
  socialMedia(r: { problemKey: string; what: string; agent: string; forwarded: boolean }): SlackText;
  socialMediaButtons: SlackButton[];
  statusUpdate(r: { problemKey: string; what: string; by: string; text: string }): SlackText;
  resolvedPost(r: { problemKey: string; what: string; by: string; summary: string | null }): SlackText;
  resolvedReminder(r: { problemKey: string; summary: string | null; tickets: readonly ReportRecord[] }): SlackText;
  delayReminder(r: { problemKey: string; since: string; timeZone: string; now: number; tickets: readonly ReportRecord[] }): SlackText;
  lapsed(r: { problemKey: string; days: number; tickets: readonly ReportRecord[] }): SlackText;
}

const ticketLines = (tickets: readonly ReportRecord[]) => tickets.map((t) => slack`• ${t.ticket} (${t.customerEmail})`);

/** "2 Std." / "2 h", "40 Min." / "40 min" since `from`. */
function ago(from: string, now: number, locale: Locale): string {
  const mins = Math.max(0, Math.round((now - Date.parse(from)) / 60_000));
  if (mins < 60) return locale === 'de' ? `${mins} Min.` : `${mins} min`;
  const hours = Math.round(mins / 60);
  return locale === 'de' ? `${hours} Std.` : `${hours} h`;
}

const thread = (t: CommonThread, texts: Texts, locale: Locale): string => {
  const p = (v: string) => texts.platforms[v as Exclude<Platform, 'unknown'>] ?? v;
  const said = t.known < t.of ? (locale === 'de' ? ` (${t.known} von ${t.of} Meldungen mit Angabe)` : ` (${t.known} of ${t.of} reports say)`) : '';
  const de = locale === 'de';
  switch (t.kind) {
    case 'email-domain':
      return `${de ? 'nur E-Mail-Adressen' : 'only e-mail addresses at'} ${t.values.map((v) => `@${v}`).join(', ')}${said}`;
    case 'platform':
      return `${de ? 'nur' : 'only'} ${p(t.values[0]!)}${said}`;
    case 'mobile':
      return `${de ? 'nur mobil' : 'mobile only'} (${t.values.map(p).join(', ')})${said}`;
    case 'tier':
      return `${de ? 'nur Mitgliedschaft' : 'only membership tier'} ${t.values[0]}${said}`;
    case 'error-code':
      return `${de ? 'immer Fehler' : 'always error'} ${t.values[0]}${said}`;
  }
};

const de: Texts = {
  areas: {
    'member-area': 'Mitgliederbereich',
    app: 'App',
    sync: 'Synchronisation App/Mitgliederbereich',
    login: 'Login',
    content: 'Lektionen/Inhalte',
    checkout: 'Kaufprozess',
    other: 'Sonstiges',
  },
  platforms: { 'web-desktop': 'Browser (Desktop)', 'web-mobile': 'Browser (mobil)', 'ios-app': 'iOS-App', 'android-app': 'Android-App' },
  local: (iso, timeZone) => localTime(iso, timeZone, 'de-DE'),
  singleCaseReport: ({ problemKey, report, customers, criticalAbove, rowUrl }) =>
    lines(
      slack`:memo: Danke! Deine Meldung zu *${problemKey}* (Ticket ${report.ticket}, ${report.customerEmail}) steht im Technikfälle-Tracking${rowUrl ? slack` (${link(rowUrl, 'Eintrag')})` : slack``}.`,
      !report.newCustomer && slack`Diese Kund:in wurde schon gemeldet und zählt nicht doppelt.`,
      slack`Bisher ein Einzelfall: ${customers} betroffene Kund:innen (kritisch wird es ab ${criticalAbove + 1}).`,
      slack`Bei Einzelfällen liegt der Fehler meist auf Seite der Kund:innen. Bitte geh mit der Kund:in durch:`,
      slack`• Gerät neu starten`,
      slack`• Browser-Cache leeren`,
      slack`• ein anderes Gerät verwenden`,
      slack`Hilft das nicht: Trag den Fall ins Offene-Fragen-Dokument ein und sag der Kund:in, dass wir uns zeitnah zurückmelden. Du behältst die Ownership für den Fall.`,
    ),
  madeCritical: ({ problemKey, customers, criticalAbove, ackDueAt, timeZone, sirenPosted, reproduced }) =>
    lines(
      slack`:rotating_light: Deine Meldung macht *${problemKey}* kritisch: ${customers} betroffene Kund:innen (mehr als ${criticalAbove}).`,
      sirenPosted
        ? slack`Die Sirene ist im Channel #customer-success gepostet, die Rufbereitschaft ist markiert. Bitte jetzt:`
        : slack`Die Sirene konnte nicht gepostet werden: bitte poste sie selbst im Channel #customer-success und markiere die Rufbereitschaft. Dann:`,
      reproduced === null
        ? slack`1. Prüf im Testkonto, ob der Fehler auch bei uns auftritt, und meld das Ergebnis mit den Buttons hier.`
        : slack`1. Der Test im Testkonto ist schon gemeldet: ${reproduced ? 'reproduziert' : 'nicht reproduzierbar'}.`,
      slack`2. Reagiert bis ${localTime(ackDueAt, timeZone, 'de-DE')} niemand, bekommst du die Aufgabe, die Incident-Leitung anzurufen.`,
      slack`Du behältst die Ownership für deine Kund:innen.`,
    ),
  reproduceButtons: [
    { event: 'reproduced', label: 'Im Testkonto reproduziert', style: 'primary', extra: { reproduced: true } },
    { event: 'reproduced', label: 'Nicht reproduzierbar', extra: { reproduced: false } },
  ],
  nowCritical: ({ problemKey, customers, tickets }) =>
    lines(
      slack`:rotating_light: *${problemKey}* ist jetzt kritisch (${customers} betroffene Kund:innen) und an die Rufbereitschaft eskaliert. Deine Kund:innen:`,
      ...ticketLines(tickets),
      slack`Sag ihnen, dass unser Technik-Team daran arbeitet. Du behältst die Ownership und bekommst Bescheid, sobald es gelöst ist.`,
    ),
  joinedCritical: ({ problemKey, report, customers, rowUrl }) =>
    lines(
      slack`:rotating_light: Deine Meldung (Ticket ${report.ticket}, ${report.customerEmail}) gehört zum kritischen Vorfall *${problemKey}*: jetzt ${customers} betroffene Kund:innen${report.newCustomer ? '' : ' (diese Kund:in war schon gemeldet)'}. Im Technikfälle-Tracking eingetragen${rowUrl ? slack` (${link(rowUrl, 'Eintrag')})` : slack``}.`,
      slack`Sag der Kund:in, dass unser Technik-Team bereits daran arbeitet. Du behältst die Ownership und bekommst Bescheid, sobald es gelöst ist.`,
    ),
  siren: (s) => {
    const f = s.facts;
    const areas = f.productAreas.map((a) => de.areas[a]).join(', ');
    const threads = f.thread.map((t) => thread(t, de, 'de'));
    const reproduced = s.reproduced === null ? 'wird geprüft' : s.reproduced ? 'ja' : 'nein';
    const head = s.resolved
      ? slack`:white_check_mark: *GELÖST* ~Technisches Problem *${s.problemKey}*~`
      : slack`:rotating_light: ${mention.group(TECH_INCIDENT_DIRECTORY.onCallGroup)} Die Kund:innen melden seit ca. ${ago(f.firstSeen, s.now, 'de')} ein technisches Problem (*${s.problemKey}*). Kann das jemand zeitnah prüfen?`;
    const footer = s.resolved
      ? null
      : s.acknowledged
        ? slack`:white_check_mark: Übernommen von ${s.acknowledged.by} um ${de.local(s.acknowledged.at, s.timeZone)}.`
        : s.reached
          ? slack`:telephone_receiver: Niemand hat innerhalb von 15 Minuten reagiert; ${s.reached.name} wurde telefonisch erreicht.`
          : s.phoning
            ? slack`:telephone_receiver: Niemand hat innerhalb von 15 Minuten reagiert: ${mention.person(s.agent)} ruft die Incident-Leitung an.`
            : slack`Gemeldet von ${mention.person(s.agent)}. Reagiert bis ${de.local(s.ackDueAt, s.timeZone)} niemand, ruft ${mention.person(s.agent)} die Incident-Leitung an.`;
    return lines(
      head,
      slack`• Problem: ${f.what} (${areas}${f.errorCode ? `, Fehler ${f.errorCode}` : ''})`,
      slack`• Zuerst gemeldet: ${de.local(f.firstSeen, s.timeZone)}; zuletzt: ${de.local(f.lastSeen, s.timeZone)}`,
      slack`• Betroffen bisher: ${f.customers} Kund:innen (${f.reports} Meldungen), z. B. ${f.samples.join(', ')}`,
      slack`• Roter Faden: ${threads.length ? threads.join('; ') : 'aktuell nicht zu erkennen'}`,
      f.screenshotUrl && slack`• Screenshot: ${link(f.screenshotUrl, 'ansehen')}`,
      slack`• Im Testkonto reproduziert: ${reproduced}`,
      s.trackingListUrl && slack`• Technikfälle-Tracking: ${link(s.trackingListUrl, `Einträge zu ${s.problemKey}`)}`,
      footer,
    );
  },
  sirenButtons: [{ event: 'acknowledged', label: 'Ich kümmere mich', style: 'primary' }],
  acknowledgedReply: (by) => slack`:white_check_mark: ${by} kümmert sich.`,
  reproducedReply: (value, by) =>
    value
      ? slack`:test_tube: Im Testkonto reproduziert (${by}): der Fehler tritt auch bei uns auf.`
      : slack`:test_tube: Im Testkonto nicht reproduzierbar (${by}).`,
  nobodyReacted: (agent) =>
    slack`:telephone_receiver: Niemand hat innerhalb von 15 Minuten reagiert. ${mention.person(agent)}, du bekommst gleich die Anrufaufgabe.`,
  callRequest: (c) =>
    lines(
      slack`:telephone_receiver: ${mention.person(c.agent)} Bitte ruf ${c.role === 'lead' ? 'die Incident-Leitung' : 'die Vertretung'} an: ${c.name}${c.phone ? `, ${c.phone}` : ' (keine Nummer im Verzeichnis)'} (Anruf ${c.attempt}${Number.isFinite(c.attempts) ? ` von ${c.attempts}` : ''}).`,
      c.leadAway && slack`${c.leadAway.name} ist laut Verzeichnis abwesend${c.leadAway.until ? ` bis ${c.leadAway.until}` : ''}: direkt die Vertretung anrufen.`,
      slack`Melde das Ergebnis mit den Buttons: erreicht, oder keine Antwort.`,
    ),
  callButtons: [
    { event: 'call-reached', label: 'Erreicht', style: 'primary' },
    { event: 'call-no-answer', label: 'Keine Antwort' },
  ],
  reachedReply: (agent, name) => slack`:white_check_mark: ${mention.person(agent)} hat ${name} telefonisch erreicht.`,
  nobodyReached: (agent) =>
    slack`:warning: Weder die Incident-Leitung noch die Vertretung wurden erreicht. ${mention.person(agent)}, bitte versuch es weiter und informiere deine Teamleitung.`,
  socialMedia: ({ problemKey, what, agent, forwarded }) =>
    lines(
      slack`:mega: Kritischer Vorfall *${problemKey}*: ${what}`,
      forwarded && slack`${mention.person(agent)} ist nicht im Social-Media-Support eingearbeitet: bitte übernimm das sofort.`,
      slack`Bitte prüf die Community-Gruppen: Gibt es Posts zu dieser Störung, antworte, dass unser Technik-Team bereits daran arbeitet und schnellstmöglich eine Lösung findet.`,
    ),
  socialMediaButtons: [
    { event: 'social-media-checked', label: 'Geprüft: Posts beantwortet', style: 'primary', extra: { postsFound: true } },
    { event: 'social-media-checked', label: 'Geprüft: keine Posts', extra: { postsFound: false } },
  ],
  statusUpdate: ({ problemKey, what, by, text }) =>
    lines(slack`:information_source: *Update zu ${problemKey}* (${what}) von ${by}:`, slack`${text}`),
  resolvedPost: ({ problemKey, what, by, summary }) =>
    lines(slack`:white_check_mark: *${problemKey} ist gelöst* (${what}), gemeldet von ${by}.`, summary && slack`${summary}`),
  resolvedReminder: ({ problemKey, summary, tickets }) =>
    lines(
      slack`:white_check_mark: *${problemKey}* ist gelöst${summary ? slack`: ${summary}` : slack``}.`,
      slack`Bitte informiere jetzt deine Kund:innen:`,
      ...ticketLines(tickets),
    ),
  delayReminder: ({ problemKey, since, now, tickets }) =>
    lines(
      slack`:hourglass: *${problemKey}* ist seit ${ago(since, now, 'de')} kritisch und noch nicht gelöst.`,
      slack`Bitte sag deinen Kund:innen, dass sich die Lösung verzögert und wir uns melden, sobald sie da ist:`,
      ...ticketLines(tickets),
    ),
  lapsed: ({ problemKey, days, tickets }) =>
    lines(
      slack`:file_folder: Der Einzelfall *${problemKey}* wurde nach ${days} Tagen ohne neue Meldung geschlossen. Deine offenen Fragen bleiben bei dir:`,
      ...ticketLines(tickets),
    ),
};

const en: Texts = {
  areas: {
    'member-area': 'member area',
    app: 'app',
    sync: 'app/member area sync',
    login: 'login',
    content: 'lessons/content',
    checkout: 'checkout',
    other: 'other',
  },
  platforms: { 'web-desktop': 'browser (desktop)', 'web-mobile': 'browser (mobile)', 'ios-app': 'iOS app', 'android-app': 'Android app' },
  local: (iso, timeZone) => localTime(iso, timeZone, 'en-GB'),
  singleCaseReport: ({ problemKey, report, customers, criticalAbove, rowUrl }) =>
    lines(
      slack`:memo: Thanks! Your report of *${problemKey}* (ticket ${report.ticket}, ${report.customerEmail}) is on the technical-cases tracking list${rowUrl ? slack` (${link(rowUrl, 'row')})` : slack``}.`,
      !report.newCustomer && slack`This customer was reported before and does not count twice.`,
      slack`A single case so far: ${customers} affected customers (critical from ${criticalAbove + 1}).`,
      slack`With single cases the fault is mostly on the customer's side. Please go through this with the customer:`,
      slack`• restart the device`,
      slack`• clear the browser cache`,
      slack`• use another device`,
      slack`If that does not help: enter the case in the open-questions document and tell the customer we will come back to them soon. You keep ownership of the case.`,
    ),
  madeCritical: ({ problemKey, customers, criticalAbove, ackDueAt, timeZone, sirenPosted, reproduced }) =>
    lines(
      slack`:rotating_light: Your report makes *${problemKey}* critical: ${customers} affected customers (more than ${criticalAbove}).`,
      sirenPosted
        ? slack`The siren is posted in #customer-success with the on-call group tagged. Now please:`
        : slack`The siren could not be posted: please post it in #customer-success yourself and tag the on-call group. Then:`,
      reproduced === null
        ? slack`1. Check in the test account whether the error occurs for us too, and report the result with the buttons here.`
        : slack`1. The test in the test account is already reported: ${reproduced ? 'reproduced' : 'not reproducible'}.`,
      slack`2. If nobody reacts by ${localTime(ackDueAt, timeZone, 'en-GB')}, you get the task to phone the incident lead.`,
      slack`You keep ownership of your customers.`,
    ),
  reproduceButtons: [
    { event: 'reproduced', label: 'Reproduced in the test account', style: 'primary', extra: { reproduced: true } },
    { event: 'reproduced', label: 'Not reproducible', extra: { reproduced: false } },
  ],
  nowCritical: ({ problemKey, customers, tickets }) =>
    lines(
      slack`:rotating_light: *${problemKey}* is now critical (${customers} affected customers) and escalated to the on-call group. Your customers:`,
      ...ticketLines(tickets),
      slack`Tell them our tech team is working on it. You keep ownership and hear from us once it is resolved.`,
    ),
  joinedCritical: ({ problemKey, report, customers, rowUrl }) =>
    lines(
      slack`:rotating_light: Your report (ticket ${report.ticket}, ${report.customerEmail}) belongs to the critical incident *${problemKey}*: now ${customers} affected customers${report.newCustomer ? '' : ' (this customer was reported before)'}. On the technical-cases tracking list${rowUrl ? slack` (${link(rowUrl, 'row')})` : slack``}.`,
      slack`Tell the customer our tech team is already working on it. You keep ownership and hear from us once it is resolved.`,
    ),
  siren: (s) => {
    const f = s.facts;
    const areas = f.productAreas.map((a) => en.areas[a]).join(', ');
    const threads = f.thread.map((t) => thread(t, en, 'en'));
    const reproduced = s.reproduced === null ? 'being checked' : s.reproduced ? 'yes' : 'no';
    const head = s.resolved
      ? slack`:white_check_mark: *RESOLVED* ~Technical problem *${s.problemKey}*~`
      : slack`:rotating_light: ${mention.group(TECH_INCIDENT_DIRECTORY.onCallGroup)} Customers have been reporting a technical problem (*${s.problemKey}*) for about ${ago(f.firstSeen, s.now, 'en')}. Can someone look into it soon?`;
    const footer = s.resolved
      ? null
      : s.acknowledged
        ? slack`:white_check_mark: Taken by ${s.acknowledged.by} at ${en.local(s.acknowledged.at, s.timeZone)}.`
        : s.reached
          ? slack`:telephone_receiver: Nobody reacted within 15 minutes; ${s.reached.name} was reached by phone.`
          : s.phoning
            ? slack`:telephone_receiver: Nobody reacted within 15 minutes: ${mention.person(s.agent)} is phoning the incident lead.`
            : slack`Reported by ${mention.person(s.agent)}. If nobody reacts by ${en.local(s.ackDueAt, s.timeZone)}, ${mention.person(s.agent)} phones the incident lead.`;
    return lines(
      head,
      slack`• Problem: ${f.what} (${areas}${f.errorCode ? `, error ${f.errorCode}` : ''})`,
      slack`• First reported: ${en.local(f.firstSeen, s.timeZone)}; last: ${en.local(f.lastSeen, s.timeZone)}`,
      slack`• Affected so far: ${f.customers} customers (${f.reports} reports), e.g. ${f.samples.join(', ')}`,
      slack`• Common thread: ${threads.length ? threads.join('; ') : 'none visible yet'}`,
      f.screenshotUrl && slack`• Screenshot: ${link(f.screenshotUrl, 'view')}`,
      slack`• Reproduced in the test account: ${reproduced}`,
      s.trackingListUrl && slack`• Technical-cases tracking: ${link(s.trackingListUrl, `rows for ${s.problemKey}`)}`,
      footer,
    );
  },
  sirenButtons: [{ event: 'acknowledged', label: "I'm on it", style: 'primary' }],
  acknowledgedReply: (by) => slack`:white_check_mark: ${by} is on it.`,
  reproducedReply: (value, by) =>
    value
      ? slack`:test_tube: Reproduced in the test account (${by}): the error occurs for us too.`
      : slack`:test_tube: Not reproducible in the test account (${by}).`,
  nobodyReacted: (agent) => slack`:telephone_receiver: Nobody reacted within 15 minutes. ${mention.person(agent)}, the call task is on its way to you.`,
  callRequest: (c) =>
    lines(
      slack`:telephone_receiver: ${mention.person(c.agent)} Please phone ${c.role === 'lead' ? 'the incident lead' : 'the backup'}: ${c.name}${c.phone ? `, ${c.phone}` : ' (no number in the directory)'} (call ${c.attempt}${Number.isFinite(c.attempts) ? ` of ${c.attempts}` : ''}).`,
      c.leadAway && slack`${c.leadAway.name} is away according to the directory${c.leadAway.until ? ` until ${c.leadAway.until}` : ''}: phone the backup straight away.`,
      slack`Report the result with the buttons: reached, or no answer.`,
    ),
  callButtons: [
    { event: 'call-reached', label: 'Reached', style: 'primary' },
    { event: 'call-no-answer', label: 'No answer' },
  ],
  reachedReply: (agent, name) => slack`:white_check_mark: ${mention.person(agent)} reached ${name} by phone.`,
  nobodyReached: (agent) =>
    slack`:warning: Neither the incident lead nor the backup could be reached. ${mention.person(agent)}, please keep trying and tell your team lead.`,
  socialMedia: ({ problemKey, what, agent, forwarded }) =>
    lines(
      slack`:mega: Critical incident *${problemKey}*: ${what}`,
      forwarded && slack`${mention.person(agent)} is not trained for social-media support: please take this over right away.`,
      slack`Please check the community groups: where there are posts about this outage, reply that our tech team is already working on it and will find a solution as fast as possible.`,
    ),
  socialMediaButtons: [
    { event: 'social-media-checked', label: 'Checked: posts answered', style: 'primary', extra: { postsFound: true } },
    { event: 'social-media-checked', label: 'Checked: no posts', extra: { postsFound: false } },
  ],
  statusUpdate: ({ problemKey, what, by, text }) => lines(slack`:information_source: *Update on ${problemKey}* (${what}) from ${by}:`, slack`${text}`),
  resolvedPost: ({ problemKey, what, by, summary }) =>
    lines(slack`:white_check_mark: *${problemKey} is resolved* (${what}), reported by ${by}.`, summary && slack`${summary}`),
  resolvedReminder: ({ problemKey, summary, tickets }) =>
    lines(slack`:white_check_mark: *${problemKey}* is resolved${summary ? slack`: ${summary}` : slack``}.`, slack`Please inform your customers now:`, ...ticketLines(tickets)),
  delayReminder: ({ problemKey, since, now, tickets }) =>
    lines(
      slack`:hourglass: *${problemKey}* has been critical for ${ago(since, now, 'en')} and is not resolved yet.`,
      slack`Please tell your customers the fix is delayed and that we will be in touch once it is there:`,
      ...ticketLines(tickets),
    ),
  lapsed: ({ problemKey, days, tickets }) =>
    lines(
      slack`:file_folder: The single case *${problemKey}* was closed after ${days} days without a new report. Your open questions stay with you:`,
      ...ticketLines(tickets),
    ),
};

export const TEXTS: Record<Locale, Texts> = { de, en };
