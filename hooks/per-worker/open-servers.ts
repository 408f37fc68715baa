// Servers a test left listening: named, and closed so that they neither hold their port for later tests nor
// keep the process from exiting. Runs in: worker, per test (one list of the process's handles before and after).

import net from 'node:net';

type HandleLister = () => unknown[];

/** Node's list of live handles: not public, but the only way to reach a server nobody kept a reference to. */
const activeHandles: HandleLister = (process as unknown as { _getActiveHandles?: HandleLister })._getActiveHandles?.bind(process) ?? (() => []);

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

/** Servers listening now that were not in `before`; each is closed (or only unref'd) as asked. */
export function serversLeftSince(before: ReadonlySet<net.Server>, action: 'close' | 'unref'): string[] {
  const left: string[] = [];
  for (const server of listeningServers()) {
    if (before.has(server)) continue;
    left.push(describeServer(server));
    if (action === 'close') {
      server.close();
      // An HTTP server's keep-alive connections would otherwise keep the process alive after close().
      (server as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.();
    }
    server.unref();
  }
  return left;
}
