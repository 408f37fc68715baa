// A short, stable name for a cache file from the text it depends on. Runs in: any process, before anything
// else is loaded: node:crypto would cost ~4 ms to load there, more than all it would hash.

/** FNV-1a, twice (forwards and backwards) for 64 bits: 16 hex digits. Not for anything that must resist forgery. */
export function shortHash(text: string): string {
  let forwards = 0x811c9dc5;
  let backwards = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    forwards = Math.imul(forwards ^ text.charCodeAt(i), 0x01000193) >>> 0;
    backwards = Math.imul(backwards ^ text.charCodeAt(text.length - 1 - i), 0x01000193) >>> 0;
  }
  return forwards.toString(16).padStart(8, '0') + backwards.toString(16).padStart(8, '0');
}
