// Counts listening servers, to catch a test that leaves one open (it would hold its port and keep the worker
// busy after the file ends). Runs in: worker, per test.

const SERVER_RESOURCES: ReadonlySet<string> = new Set(['TCPServerWrap', 'PipeServerWrap']);

export function countOpenServers(): number {
  let count = 0;
  for (const resource of process.getActiveResourcesInfo()) if (SERVER_RESOURCES.has(resource)) count++;
  return count;
}
