// The events: which make sense now (the update's validator: 409 when out of order, including an
// acknowledgement after its 15-minute deadline, judged against the deadline's instant however late
// the worker is), and what each changes; side effects are queued on the agenda.
import { outOfOrder } from '../kit/messages.js';
import type { TechIncidentEvent } from './contract.js';
import type { Incident } from './incident.js';

const callOpen = (inc: Incident) => inc.callee !== null && inc.esc.tasks.some((t) => t.id.startsWith('call') && t.status === 'open');

export function validate(inc: Incident, event: TechIncidentEvent): void {
  const { d } = inc;
  switch (event.type) {
    case 'acknowledged': {
      if (!inc.critical) outOfOrder(`${d.problemKey} is a single case (${d.customers.length} customers): there is no siren to acknowledge`);
      if (d.acknowledged) outOfOrder(`already acknowledged by ${d.acknowledged.by} at ${d.acknowledged.at}`);
      const due = inc.ackDueAt!;
      // At the instant the API received it: an acknowledgement sent in time counts, however late the
      // worker, unless the deadline's handler already ran (the phoning started: the call decides).
      const fired = !inc.esc.deadlines.list().some((x) => x.name === 'acknowledgement');
      if (inc.esc.eventInstant() >= Date.parse(due) || fired) {
        outOfOrder(
          `the acknowledgement deadline passed at ${due} (15 minutes after the report that made it critical): the incident lead is being phoned; ` +
            'report the call with call-reached or call-no-answer',
        );
      }
      break;
    }
    case 'call-reached':
    case 'call-no-answer':
      if (!callOpen(inc)) outOfOrder(d.reached ? `${d.reached} has already been reached` : 'no call task is open');
      break;
    case 'social-media-checked':
      if (!inc.esc.tasks.some((t) => t.id === 'social-media' && t.status === 'open')) outOfOrder('no social-media task is open');
      break;
    case 'status-update':
      if (!inc.critical) outOfOrder(`${d.problemKey} is a single case: status updates go to the info channel once it is critical`);
      break;
    case 'reproduced':
    case 'resolved':
      break;
  }
}

export function apply(inc: Incident, event: TechIncidentEvent): void {
  const { d, esc } = inc;
  const by = event.actor ?? 'unknown';
  // When it happened (the API received it), not when a worker got to it.
  const at = new Date(esc.eventInstant()).toISOString();
  switch (event.type) {
    case 'acknowledged':
      d.acknowledged = { by, at };
      esc.deadlines.clear('acknowledgement');
      inc.setStatus('in-progress');
      inc.agenda.later(() => inc.reply('acknowledged', inc.texts.acknowledgedReply(by)));
      inc.refreshSiren();
      break;
    case 'reproduced':
      d.reproduced = { value: event.reproduced, by, at };
      esc.closeTask('reproduce');
      if (inc.critical) {
        const step = `reproduced-${esc.timeline.entries.length}`;
        inc.agenda.later(() => inc.reply(step, inc.texts.reproducedReply(event.reproduced, by)));
        inc.refreshSiren();
      }
      break;
    case 'call-reached': {
      const callee = inc.callee!;
      d.calls.push({ callee: callee.person, outcome: 'reached', by, at });
      d.reached = callee.name;
      inc.setStatus('in-progress');
      inc.agenda.later(() => inc.reply('call-reached', inc.texts.reachedReply(d.incidentAgent!, callee.name)));
      inc.refreshSiren();
      break;
    }
    case 'call-no-answer':
      d.calls.push({ callee: inc.callee!.person, outcome: 'no-answer', by, at });
      break;
    case 'social-media-checked':
      d.socialMedia = { ...d.socialMedia!, checkedAt: at, postsFound: event.postsFound ?? null };
      esc.closeTask('social-media');
      break;
    case 'status-update': {
      const n = d.statusUpdates.push({ at, by, text: event.text });
      inc.agenda.later(async () => {
        const text = inc.texts.statusUpdate({ problemKey: d.problemKey, what: d.facts?.what ?? d.problemKey, by, text: event.text });
        await inc.postInfo(`status-update-${n}`, text);
        // A step key names one message (it is the post's idempotency key): the thread's copy has its own.
        await inc.reply(`status-update-${n}-thread`, text);
      });
      break;
    }
    case 'resolved':
      d.resolution = { at, by, summary: event.summary ?? null };
      esc.decide('resolved', 'resolved', `${d.problemKey} resolved${event.summary ? `: ${event.summary}` : ''}`);
      break;
  }
  inc.refreshWaitingFor();
}
