// Schema helpers for every playbook's contract (Instant, CalendarDate, Link) and the settings their
// checks read. Contract code: the API uses them as values; workflow code never imports them.
export { CalendarDate, Instant, parseCalendarDate, parseInstant, windowBounds, type InstantWindow } from './instant.js';
export { EMAIL_MAX_LENGTH, EmailAddress, emailAddressProblem, isValidEmailAddress } from './email.js';
export { Link, linkProblem } from './link.js';
export { atInstant, configureContract, contractSettings, DEFAULT_CONTRACT_SETTINGS, type ContractSettings, type LinkScheme } from './settings.js';
export { Line, LINE_PATTERN, lineProblem, normaliseNewlines, Text, TEXT_PATTERN, textProblem } from './text.js';
