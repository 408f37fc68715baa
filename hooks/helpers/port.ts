// A free TCP port on the loopback interface. Runs in: any process.

import net from 'node:net';

/**
 * Asks the OS for a port nobody listens on. Prefer listening on port 0 yourself where the code allows it:
 * between this call and your listen() another process could take the port.
 * @example const port = await freePort(); await app.listen({ port, host: '127.0.0.1' });
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
