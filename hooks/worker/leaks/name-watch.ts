// A set of names (global variables, properties added to built-in prototypes, entries of the temp folder) watched
// for what a test or a file's hooks added. Runs in: worker, at a test's end, cheaply: a fingerprint (a count, a
// folder's mtime) says whether anything changed before the names are listed.

export interface NameWatch {
  /** A file starts: what exists now is the file's starting point, not its leftovers. */
  fileStarted(): void;
  /** Takes what exists now as known without naming it (a describe's before() hooks may have just run). */
  resync(): void;
  /** What was added since the last look, once: the running test's leftovers. */
  added(): string[];
  /** What the file's hooks added and no test was named for; still there when the file ends. */
  fileEnded(): string[];
}

export interface NameSource {
  /** Cheap; equal fingerprints mean the names did not change. */
  fingerprint(): number;
  names(): string[];
}

export function createNameWatch(source: NameSource): NameWatch {
  let fingerprint = source.fingerprint();
  let known = new Set(source.names());
  let atFileStart = known;
  const named = new Set<string>();
  const look = (): string[] => {
    const now = source.fingerprint();
    if (now === fingerprint) return [];
    fingerprint = now;
    const names = source.names();
    const added = names.filter((name) => !known.has(name));
    known = new Set(names);
    return added;
  };
  return {
    fileStarted() {
      look();
      atFileStart = known;
      named.clear();
    },
    resync() {
      look();
    },
    added() {
      const added = look();
      for (const name of added) named.add(name);
      return added;
    },
    fileEnded() {
      look();
      return [...known].filter((name) => !atFileStart.has(name) && !named.has(name));
    },
  };
}
