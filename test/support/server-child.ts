// The real server entry in a process of its own, as a replica or under the bench's load: started from the
// environment by startServer, so the client and the server do not share an event loop. Prints its port.

import { startServer } from '../../src/server';

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
