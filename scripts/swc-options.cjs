'use strict';
// One SWC configuration shared by the build (scripts/build.cjs) and jest (jest.config.cjs), so what
// the tests run is compiled exactly like what ships. Path aliases (@app/<lib>) are rewritten to
// relative requires at compile time, so the output needs no runtime resolver.
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function swcOptions({ sourceMaps = true } = {}) {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths: { '@app/*': ['libs/*/src'], '@apps/*': ['apps/*/src'] },
    },
    module: { type: 'commonjs', strictMode: true, ignoreDynamic: true },
    sourceMaps,
  };
}

module.exports = { swcOptions, root };
