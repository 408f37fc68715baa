// After install (npm's "prepare", here only): node_modules/.bin/mocha and _mocha are this repository's mocha 12.
// Why: the older majors the suite also runs (npm aliases mocha-10, mocha-11) ship the same bin names, and npm
// links whichever it reaches last: after one `npm install`, `npx mocha` and `npm test` ran mocha 10.
const fs = require('node:fs');
const path = require('node:path');

const bin = path.join(__dirname, '..', 'node_modules', '.bin');
for (const [name, target] of [
  ['mocha', '../mocha/bin/mocha.js'],
  ['_mocha', '../mocha/bin/_mocha'],
]) {
  const link = path.join(bin, name);
  if (!fs.existsSync(path.join(bin, target))) continue;
  let current;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current === target) continue;
  fs.rmSync(link, { force: true });
  fs.symlinkSync(target, link);
  process.stdout.write(`link-mocha-bin: node_modules/.bin/${name} -> ${target} (was ${current ?? 'missing'})\n`);
}
