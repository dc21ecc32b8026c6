// 405 Method Not Allowed with `Allow` (RFC 9110 §15.5.6) for a path that exists under other
// methods, instead of Fastify's 404. A second router (find-my-way, Fastify's own) mirrors every
// route as it is added; on a miss it says which methods the path does have.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Router from 'find-my-way';

export interface MethodIndex {
  /** Methods the request's path has, sorted; empty when the path is unknown. */
  allowed(request: FastifyRequest): string[];
}

export function trackRouteMethods(app: FastifyInstance, opts: { maxParamLength: number }): MethodIndex {
  const router = Router({ maxParamLength: opts.maxParamLength, ignoreTrailingSlash: false });
  const methods = new Set<string>();
  const seen = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const key = `${method} ${route.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      methods.add(method);
      router.on(method as Router.HTTPMethod, route.url, () => undefined);
    }
  });
  return {
    allowed(request) {
      const path = request.url.split('?')[0] ?? '/';
      return [...methods].filter((m) => router.find(m as Router.HTTPMethod, path) !== null).sort();
    },
  };
}
