import type { FastifyInstance } from 'fastify';

/**
 * During a graceful shutdown, closes each keep-alive connection as soon as its in-flight
 * response has ended. Fastify's close (forceCloseConnections: 'idle', then server.close())
 * closes only the connections idle at that moment; one still sending a response is left
 * open once it is done, idle, until keepAliveTimeout (72 s), and the close waits that long.
 * A client that has already read a response's last byte (it knows the Content-Length) may
 * ask for the shutdown before the server has ended that response: a file stream ends only
 * on the read after its last byte.
 */
export function registerCloseAfterLastResponse(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onResponse', async (request) => {
    // destroySoon: the response's last bytes still leave (what Node does for `Connection: close`).
    if (closing) request.raw.socket?.destroySoon();
  });
}
