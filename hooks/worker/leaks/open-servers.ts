// Servers a test left listening: named, and closed so that they neither hold their port for later tests nor
// keep the process from exiting. Runs in: worker, per test: a count of listening servers before and after
// (from the resource list), and a look at the servers themselves only when that count changed.

import net from 'node:net';

type HandleLister = () => unknown[];

/** Node's list of live handles: not public, but the only way to reach a server nobody kept a reference to. */
const activeHandles: HandleLister =
  (process as unknown as { _getActiveHandles?: HandleLister })._getActiveHandles?.bind(process) ?? (() => []);

export function listeningServers(): Set<net.Server> {
  const servers = new Set<net.Server>();
  for (const handle of activeHandles()) if (handle instanceof net.Server && handle.listening) servers.add(handle);
  return servers;
}

export function describeServer(server: net.Server): string {
  const address = server.address();
  if (address === null) return 'a server';
  return typeof address === 'string' ? address : `${address.address}:${address.port}`;
}

const SERVER_RESOURCES: ReadonlySet<string> = new Set(['TCPServerWrap', 'PipeServerWrap']);

function serverCount(resources: readonly string[] = process.getActiveResourcesInfo()): number {
  let count = 0;
  for (const type of resources) if (SERVER_RESOURCES.has(type)) count++;
  return count;
}

/** `resources`: process.getActiveResourcesInfo() now, when the caller has it already (one list per test end). */
export interface ServerWatch {
  testStarted(resources?: readonly string[]): void;
  /** Servers the test left listening, closed; their addresses. */
  testEnded(resources?: readonly string[]): string[];
}

export function createServerWatch(): ServerWatch {
  // Servers that were listening when some test started (a file's before() may start one): never a test's leftover.
  const known = new WeakSet<net.Server>();
  let seen = -1;
  let atStart = 0;
  const learn = (): void => {
    for (const server of listeningServers()) known.add(server);
    seen = serverCount();
  };
  return {
    testStarted(resources) {
      atStart = serverCount(resources);
      if (atStart !== seen) learn();
    },
    testEnded(resources) {
      if (serverCount(resources) <= atStart) return [];
      const left: string[] = [];
      for (const server of listeningServers()) {
        if (known.has(server)) continue;
        left.push(describeServer(server));
        server.close();
        // An HTTP server's keep-alive connections would otherwise keep the process alive after close().
        (server as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.unref();
      }
      learn();
      return left;
    },
  };
}
