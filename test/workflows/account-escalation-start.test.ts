// account-escalation: an event that comes with the start (e.g. POST /escalations, then at once an
// event) lands in the very first workflow task. It is applied once the opening state is in place
// (patched 'account-escalation-events-after-opening'): the opening no longer overwrites its status.
import { describe, expect, it } from 'vitest';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import type { EscalationState, EventResult } from '../../workflows/kit/state.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, send, state } from '../helpers/account-escalation-env.js';
import { uniqueTaskQueue, updateAdmitted } from '../helpers/temporal.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;

describe('account-escalation: an event with the start', () => {
  it('a proposal that arrives before the first workflow task keeps its status (pending-finance), after the opening entry', async () => {
    const taskQueue = uniqueTaskQueue('account-escalation-late');
    // Nobody polls the task queue yet: the update waits on the server and comes with the start.
    const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'wants-to-downgrade' }));
    const updateId = `proposed-${taskQueue}`;
    const proposed = handle.executeUpdate('event', { args: [{ type: 'resolution-proposed', actor: 'csm', offer: 'Offered on the opening call' }], updateId });
    // The server holds the update before any worker polls (a fixed sleep only hoped so).
    await updateAdmitted(t.env, handle.workflowId, updateId);
    await t.withWorker(
      async () => {
        // The update's answer is compact: no details, messages or whole timeline (the history keeps every answer).
        const result = (await proposed) as EventResult;
        expect(Object.keys(result).sort()).toEqual(['deadlines', 'escalationId', 'open', 'outcome', 'status', 'tasks', 'timeline', 'waitingFor']);
        expect(result.status).toBe('pending-finance');
        expect(result.waitingFor).toEqual(expect.arrayContaining(['finance-approved', 'finance-denied']));
        expect(result.deadlines.map((d) => d.name)).toEqual(expect.arrayContaining(['finance-follow-up', 'notes-reminder']));
        expect(result.tasks.every((task) => task.status === 'open')).toBe(true);
        expect(result.timeline.map((e) => e.kind)).toEqual(['event:resolution-proposed']);
        // Accepted in the first workflow task, together with the start.
        const events = (await handle.fetchHistory()).events!;
        const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
        expect(events.slice(0, accepted).filter((e) => e.workflowTaskStartedEventAttributes)).toHaveLength(1);

        const s = (await state(handle)) as State;
        expect(s.status).toBe('pending-finance');
        expect(s.timeline[0]!.kind).toBe('opened');
        expect(s.timeline.findIndex((e) => e.kind === 'event:resolution-proposed')).toBeGreaterThan(0);
        expect(((await send(handle, { type: 'finance-approved', actor: 'accounting-analyst' })) as State).status).toBe('approved');
        await send(handle, { type: 'churned', actor: 'csm' });
        await handle.result();
      },
      { taskQueue },
    );
  });
});
