import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ServiceError } from './serviceError.js';
import { OPEN_VIEW_ROUTES } from './view/viewAssets.js';

/**
 * Routes open without a token: probes (a kubelet carries none), the API documentation and
 * the genome-browser page's shell and code (no data: the page sends the token with every
 * fetch of a job's files). Matched on the route pattern, not the raw URL, so no spelling of
 * a path reaches a protected handler through an open route.
 */
const OPEN_ROUTES = new Set(['/healthz', '/readyz', ...OPEN_VIEW_ROUTES]);
const isOpen = (route: string | undefined) => route !== undefined && (OPEN_ROUTES.has(route) || route === '/docs' || route.startsWith('/docs/'));

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function sameToken(given: string, expected: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), expected);
}

/**
 * Optional bearer-token auth: with a token every route but the open ones needs
 * `Authorization: Bearer <token>`; without one (GENOMEINFER_TOKEN unset) nothing is checked.
 */
export function registerBearerAuth(app: FastifyInstance, token: string | undefined): void {
  if (!token) return;
  const expected = createHash('sha256').update(token).digest();
  app.addHook('onRequest', async (request) => {
    if (isOpen(request.routeOptions.url)) return;
    const header = request.headers.authorization;
    if (!header) throw new ServiceError(401, 'unauthorized', 'this server requires a bearer token: send Authorization: Bearer <token>', 'auth');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !sameToken(match[1]!, expected)) {
      throw new ServiceError(401, 'unauthorized', 'the bearer token in the Authorization header is not valid for this server', 'auth');
    }
  });
}
