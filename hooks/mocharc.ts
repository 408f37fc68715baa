// Entry for .mocharc.cjs: `const { defineConfig } = require('<package>/hooks/mocharc')`.
// Kept apart from index.ts so that workers never load mocha's CLI parser.

export { defineConfig, buildMochaConfig, type MochaConfigInput, type IsolationOptions } from './main/define-config';
