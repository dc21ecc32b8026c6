// Routes that need no credential because they answer only this machine (the embedded default's
// /dev pages, its codec endpoint): the peer must be a loopback address.
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../problem.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export function requireLoopback(request: FastifyRequest): void {
  if (!LOOPBACK.test(request.ip)) {
    throw new HttpProblem(403, 'forbidden', 'Forbidden', `${request.routeOptions.url ?? request.url} answers only requests from this machine`);
  }
}
