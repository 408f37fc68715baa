// `npm run build`, after tsc: puts the plugin's modules into one file, dist/hooks/plugin.js, and makes each file
// mocha or a project loads by name (the entry, the config helper, the interface, the workers' reporter) a
// one-line re-export of it. Why: a process that runs tests loads ~50 of the plugin's modules before its first
// test, ~10 ms of resolving and reading files; from one file, ~3.5 ms. Modules still run when first required
// (esbuild keeps each CommonJS module lazy), so a process loads what it did before, only faster. The entry
// files load the bundle through bundle-loader.js, which keeps V8's code cache of it per project. The other
// files of dist/hooks stay as tsc wrote them (the CLI runs from them, in its own process).

const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');
const esbuild = require('esbuild');

const DIST = path.resolve(__dirname, '..', 'dist', 'hooks');
const BUNDLE = 'plugin.js';
/** tsc's output of hooks/bundle-loader.ts: stays its own file, it loads the bundle. */
const LOADER = 'bundle-loader.js';
/** Entry files, by the key the bundle exports each module under. */
const ENTRIES = {
  index: 'index.js',
  mocharc: 'mocharc.js',
  isolationUi: 'isolation-ui.js',
  workerReporter: 'worker-reporter.js',
};

// Getters, so that a module runs only when its entry is required, as it did from its own file.
const entrySource = Object.entries(ENTRIES)
  .map(
    ([key, file]) =>
      `Object.defineProperty(exports, ${JSON.stringify(key)}, { enumerable: true, get: () => require(${JSON.stringify(`./${file}`)}) });`,
  )
  .join('\n');

// The entry's export names, read before it is replaced (importing it has no side effects): Node finds a
// CommonJS module's names for an ESM `import { x }` only in code of this shape.
const indexNames = Object.keys(require(path.join(DIST, ENTRIES.index))).filter(
  (name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== '__esModule',
);

esbuild.buildSync({
  stdin: { contents: entrySource, resolveDir: DIST, sourcefile: 'bundle-entry.js', loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  outfile: path.join(DIST, BUNDLE),
  logLevel: 'warning',
});

// The loader keys its code cache by this (it cannot hash the bundle itself without loading node:crypto).
const bundleHash = crypto
  .createHash('sha256')
  .update(fs.readFileSync(path.join(DIST, BUNDLE)))
  .digest('hex')
  .slice(0, 32);

for (const [key, file] of Object.entries(ENTRIES)) {
  const target = path.join(DIST, file);
  const relative = (file) => {
    const to = path.relative(path.dirname(target), path.join(DIST, file)).split(path.sep).join('/');
    return JSON.stringify(to.startsWith('.') ? to : `./${to}`);
  };
  const lines = [
    '"use strict";',
    `// Bundled by npm run build (scripts/bundle-plugin.cjs): this module is the "${key}" export of ${BUNDLE},`,
    `// loaded with the code cache of ${LOADER} (a plain require if that cannot be used).`,
    `module.exports = require(${relative(LOADER)}).loadBundle(require.resolve(${relative(BUNDLE)}), ${JSON.stringify(bundleHash)}).${key};`,
  ];
  if (key === 'index') lines.push(`0 && (module.exports = { ${indexNames.join(', ')} });`);
  fs.writeFileSync(target, `${lines.join('\n')}\n`);
}
