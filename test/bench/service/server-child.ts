// The service as the bench drives it: started from the environment by the real entry (startServer) in its own
// process, so the load generator and the server do not share an event loop. Prints its port, then serves.

import { startServer } from '../../../src/server';

startServer({ port: 0 })
  .then((app) => {
    const address = app.server.address();
    process.stdout.write(`ready ${typeof address === 'object' && address !== null ? address.port : ''}\n`);
    process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  })
  .catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
