// Contract helpers shared by every playbook's schemas (kit-neutral: pure, no I/O, no Node imports).
export { CalendarDate, Instant, parseCalendarDate, parseInstant, windowBounds, type InstantWindow } from './instant.js';
export { Link, linkProblem } from './link.js';
export { schemaErrors, type SchemaError } from './errors.js';
export { atInstant, configureContract, contractSettings, DEFAULT_CONTRACT_SETTINGS, type ContractSettings, type LinkScheme } from './settings.js';
