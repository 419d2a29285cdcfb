import type { FastifyInstance } from 'fastify';

/** A dependency the controller needs to be ready: resolves true when reachable. */
export type ReadinessCheck = () => Promise<boolean>;

const withTimeout = (check: ReadinessCheck, ms: number) =>
  Promise.race([
    check().catch(() => false),
    new Promise<boolean>((resolve) => setTimeout(resolve, ms, false)),
  ]);

/**
 * Something an operator must see that does not make the controller unready (a recording failed, the disk is full):
 * the message while it stands, undefined once it cleared. `/readyz` lists them under `alerts`.
 */
export type ReadinessAlert = () => string | undefined;

export function healthRoutes(
  checks: Record<string, ReadinessCheck>,
  alerts: Record<string, ReadinessAlert> = {},
  /** Who this instance is among several (issue 15): its id, owner or standby, and the owner's address. */
  instance?: () => Record<string, unknown>,
) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => withTimeout(checks[name]!, 2000)));
      const status = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'up' : 'down']));
      const ready = results.every(Boolean);
      const raised = Object.entries(alerts).flatMap(([name, alert]) => {
        const message = alert();
        return message ? [[name, message] as const] : [];
      });
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not-ready',
        checks: status,
        ...(instance ? { instance: instance() } : {}),
        ...(raised.length > 0 ? { alerts: Object.fromEntries(raised) } : {}),
      });
    });
  };
}
