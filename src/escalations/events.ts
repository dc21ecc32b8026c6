// Event delivery as every caller goes through it (REST and Slack alike): the event is checked
// against its playbook's schema, then against the playbook's role rules for the actor, and only
// then sent to the workflow. A refusal changes nothing but the timeline, where the attempt is
// recorded (who, what, why), and answers 403 naming the rule.
//
// Fast path (issue 18): an event whose type one playbook owns alone, that fits its schema and that
// none of that playbook's role rules governs, goes straight to the workflow's update (one call to
// Temporal, no describe) when the id is in that playbook's namespace (`<playbook>:`). Every
// event a rule governs is looked up and decided here first: the role checks are never skipped.
import type { FastifyBaseLogger } from 'fastify';
import type { Actor, Identities } from '../auth/principal.js';
import { decide, type AccessFacts, type AccessSettings } from '../auth/rules.js';
import { playbookNames, playbooks, type Playbook } from '../playbooks.js';
import { problems } from '../problem.js';
import type { EscalationEvent, EscalationState, EventResult } from '../../workflows/kit/state.js';
import { schemaErrors } from './intake.js';
import { oneOfMessage } from '../http/schema-errors.js';
import { normaliseNewlines } from '../../workflows/kit/schemas/index.js';
import type { EscalationService, Found } from './service.js';

export interface SendOptions {
  /**
   * Makes a retry apply once: the update id is `<type>:<actor>:<key>` (the REST Idempotency-Key;
   * a Slack press's trigger id). Without one, each call is a new update.
   */
  idempotencyKey?: string | undefined;
  /** Told which escalation it is, once known (request logs and metrics); `found` is absent on the fast path. */
  found?: (def: Playbook, found?: Found) => void;
  /** Answer the whole state after the event (one state query more) instead of the update's compact result. */
  withState?: boolean;
  /** When the API received the event (ISO 8601, this server's clock); default: when `send` is called. */
  receivedAt?: string | undefined;
}

/** The field the API stamps on every event: the instant it received it (the kit judges the event at it). */
export const RECEIVED_AT = 'receivedAt';

/** Whether one of the playbook's role rules applies to this event (then it is decided before delivery). */
function governed(def: Playbook, event: EscalationEvent): boolean {
  return def.access?.rules.some((r) => r.events.includes(event.type) && (!r.when || r.when(event as never))) ?? false;
}

export class EventGateway {
  constructor(
    readonly escalations: EscalationService,
    private readonly identities: Identities,
    private readonly settings: AccessSettings,
    private readonly log?: FastifyBaseLogger,
  ) {}

  /**
   * Delivers `{ type, ...fields }` to escalation `id` as `actor`. Throws problems: 404 unknown
   * escalation, 400 unknown type or bad field, 409 closed or out of order, 403 refused by a rule.
   */
  async send(
    id: string,
    body: { type: string; [field: string]: unknown },
    actor: Actor,
    opts: SendOptions = {},
  ): Promise<{ def: Playbook; state: EventResult | EscalationState }> {
    const receivedAt = opts.receivedAt ?? new Date().toISOString();
    // The instant an event is judged at is the API's to say: a client's would move it before a deadline.
    if (Object.hasOwn(body, RECEIVED_AT)) {
      const message = `'${RECEIVED_AT}' is set by the API (the instant it received the event); it cannot be sent`;
      throw problems.validation(`/${RECEIVED_AT}: ${message}`, [{ in: 'body', field: `/${RECEIVED_AT}`, message }]);
    }
    // CR LF is read as LF (multi-line text is stored one way; single-line fields refuse both).
    const sent = body;
    body = normaliseNewlines(body);
    const deliverOpts = { idempotencyKey: opts.idempotencyKey, withState: opts.withState };
    const owners = playbookNames.filter((name) => Object.hasOwn(playbooks[name]!.events, body.type));
    const sole = owners.length === 1 ? playbooks[owners[0]!]! : undefined;
    // Only for an id in the owner's own namespace: a start never takes another playbook's `<name>:`
    // prefix, so such an id can only be the owner's escalation (a type of another playbook sent to it,
    // or to an id of one's own, is looked up and refused below with 400).
    if (sole && id.startsWith(`${sole.name}:`)) {
      const event: EscalationEvent = { ...body, actor: actor.label, receivedAt };
      // A body that fails the schema is worded against the escalation's own playbook (below).
      if (!governed(sole, event) && schemaErrors(sole.events[body.type]!, body, '').length === 0) {
        opts.found?.(sole);
        return { def: sole, state: await this.escalations.deliver(id, event, undefined, { ...deliverOpts, playbook: sole.name }) };
      }
    }
    const found = await this.escalations.lookup(id);
    const def = playbooks[found.playbook];
    if (!def) throw problems.notFound(`no escalation '${id}'`);
    opts.found?.(def, found);
    // Own keys only: an event type such as `constructor` or `toString` is unknown, not Object's.
    const schema = Object.hasOwn(def.events, body.type) ? def.events[body.type] : undefined;
    if (!schema) {
      const message = `${oneOfMessage(Object.keys(def.events))} (the event types of ${def.name})`;
      throw problems.validation(`/type: ${message}`, [{ in: 'body', field: '/type', message }]);
    }
    const errors = schemaErrors(schema, body, '', sent);
    if (errors.length > 0) throw problems.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    const event: EscalationEvent = { ...body, actor: actor.label, receivedAt };
    const deliver = () => this.escalations.deliver(id, event, found, deliverOpts);
    // Closed: 409, or the answer to a retried event (same key, same actor) that was applied before it closed.
    if (!found.running) return { def, state: await deliver() };

    if (def.access && governed(def, event)) {
      const facts = await this.facts(id, def, found);
      const view = { person: actor.person, label: actor.label, groups: actor.person ? this.identities.groupsOf(actor.person) : [] };
      const decision = decide(def.access, event, view, facts, this.settings);
      if (!decision.allowed) {
        try {
          await this.escalations.recordRefusal(id, { type: event.type, actor: actor.label, rule: decision.rule, reason: decision.reason });
        } catch (err) {
          // The refusal stands either way; only its timeline entry is missing.
          this.log?.warn({ err, escalationId: id }, 'refused attempt not recorded on the timeline');
        }
        throw problems.refused(decision.rule, decision.reason);
      }
    }
    return { def, state: await deliver() };
  }

  private async facts(id: string, def: Playbook, found: Found): Promise<AccessFacts> {
    if (found.access) return found.access;
    // Started before its memo carried the facts: read them from the run's start input.
    const input = await this.escalations.startInput(id, found.runId);
    return def.access!.facts(input as never, this.escalations.playbookSettings(def.name));
  }
}
