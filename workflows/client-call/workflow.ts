// client-call (seed 003): a distressed client's call taken while their usual contact is away.
//
// Every timer is a named deadline on the kit's agenda, anchored to a business time: take-by (the
// call + 15 minutes for critical issues, 2 hours otherwise), update-due (the last client update or
// the call + the severity's interval), eta-passed, review-due and documentation-due (the resolution
// + 5 days, then capped reminders), handover-check (until the usual contact is back). Events change
// the state at once and queue their side effects; the managers' ladder and the call tasks to the
// client run beside the loop and end when they are no longer needed.
//
// One file per SOP section: intake (team post, earlier escalations), assignment (who takes it, the
// managers), client-updates (keeping the client in the loop), aftercare (follow-up, review,
// documentation), handover; events.ts checks and applies the events; sop.ts holds the numbers.
import { etaPassed, updateDue } from './client-updates.js';
import { taskOverdue } from './aftercare.js';
import { takeByPassed } from './assignment.js';
import type { ClientCallEvent, ClientCallInput, ClientCallState } from './contract.js';
import { ClientCall } from './escalation.js';
import { apply, validate } from './events.js';
import { handoverCheck } from './handover.js';
import { openIntake, prepareIntake } from './intake.js';
import { closeRemainingPosts } from '../kit/notify.js';

export type { ClientCallDetails } from './contract.js';

export async function clientCall(input: ClientCallInput): Promise<ClientCallState> {
  const c = new ClientCall(input);
  c.agenda
    .on('take-by', () => takeByPassed(c))
    .on('update-due', () => updateDue(c))
    .on('eta-passed', () => etaPassed(c))
    .on('review-due', () => taskOverdue(c, 'review'))
    .on('documentation-due', () => taskOverdue(c, 'documentation'))
    .on('handover-check', () => handoverCheck(c));
  prepareIntake(c);
  c.esc.handleEvents<ClientCallEvent>({
    validate: (event) => validate(c, event),
    apply: (event) => {
      apply(c, event);
      c.agenda.changed();
      c.refreshWaitingFor();
    },
  });
  await openIntake(c);
  await c.agenda.run();
  await c.finishBackground();
  // Every post whose buttons still work says how the escalation ended (issue 16 item 9).
  await closeRemainingPosts(c.esc);
  return c.esc.state();
}
