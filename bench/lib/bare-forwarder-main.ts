// The least any HTTP API in front of Temporal costs: a Fastify process with nothing of the engine's
// (no authentication, validation, idempotency, logging, metrics or security headers) that forwards
// each request to the same raw SDK call the bench's raw side makes, on a client of its own. The
// latency section measures the API against it and it against the raw SDK, so a ratio that is not
// met splits into what the HTTP hop costs and what the engine adds (README, Performance).
//
// POST /start {playbook, input, id} -> workflow.start with the raw side's options -> 201 {id, runId}
// POST /events/:id <event>          -> executeUpdate(event)                       -> 200 <result>
// GET /ready                        -> 200 once the client is connected
// Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, PORT (127.0.0.1 only).
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import type { EscalationEvent } from '../../workflows/kit/state.js';
import { Raw, type Prepared } from './escalations.js';

const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const raw = new Raw(new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }), process.env.TEMPORAL_TASK_QUEUE!);
const app = Fastify({ logger: false });

app.get('/ready', async () => ({ ready: true }));
app.post('/start', async (request, reply) => {
  const handle = await raw.start(request.body as Prepared);
  return reply.code(201).send({ id: handle.workflowId, runId: handle.firstExecutionRunId });
});
app.post('/events/:id', async (request) => raw.event((request.params as { id: string }).id, request.body as EscalationEvent));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
const stop = () => void app.close().then(() => connection.close()).finally(() => process.exit(0));
process.once('SIGTERM', stop).once('SIGINT', stop);
