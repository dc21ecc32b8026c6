// Event delivery as every caller goes through it (REST and Slack alike): the event is checked
// against its playbook's schema, then against the playbook's role rules for the actor, and only
// then sent to the workflow. A refusal changes nothing but the timeline, where the attempt is
// recorded (who, what, why), and answers 403 naming the rule.
import type { FastifyBaseLogger } from 'fastify';
import type { Actor, Identities } from '../auth/principal.js';
import { decide, type AccessFacts, type AccessSettings } from '../auth/rules.js';
import { playbooks, type Playbook } from '../playbooks.js';
import { problems } from '../problem.js';
import type { EscalationEvent, EscalationState } from '../../workflows/kit/state.js';
import { schemaErrors } from './intake.js';
import type { EscalationService, Found } from './service.js';

export interface SendOptions {
  /**
   * Makes a retry apply once: the update id is `<type>:<actor>:<key>` (the REST Idempotency-Key;
   * a Slack press's trigger id). Without one, each call is a new update.
   */
  idempotencyKey?: string | undefined;
  /** Told which escalation it is, once known (request logs and metrics). */
  found?: (def: Playbook, found: Found) => void;
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
  async send(id: string, body: { type: string; [field: string]: unknown }, actor: Actor, opts: SendOptions = {}): Promise<{ def: Playbook; state: EscalationState }> {
    const found = await this.escalations.lookup(id);
    const def = playbooks[found.playbook];
    if (!def) throw problems.notFound(`no escalation '${id}'`);
    opts.found?.(def, found);
    // Own keys only: an event type such as `constructor` or `toString` is unknown, not Object's.
    const schema = Object.hasOwn(def.events, body.type) ? def.events[body.type] : undefined;
    if (!schema) {
      const message = `unknown event type for ${def.name}; expected one of: ${Object.keys(def.events).join(', ')}`;
      throw problems.validation(`/type: ${message}`, [{ in: 'body', field: '/type', message }]);
    }
    const errors = schemaErrors(schema, body, '');
    if (errors.length > 0) throw problems.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    const event: EscalationEvent = { ...body, actor: actor.label };
    const deliver = () => this.escalations.deliver(id, event, found, { idempotencyKey: opts.idempotencyKey });
    // Closed: 409, or the answer to a retried event (same key, same actor) that was applied before it closed.
    if (!found.running) return { def, state: await deliver() };

    const governed = def.access?.rules.some((r) => r.events.includes(event.type) && (!r.when || r.when(event)));
    if (def.access && governed) {
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
