#!/usr/bin/env node
'use strict';
// Compiles apps/, libs/ and bench/ (TypeScript) to dist/ with SWC, mirroring the source tree.
//   --if-needed  skip when dist is newer than every source file (npm start / npm run cli)
//   --quiet      print nothing on success
// Type checking is `npm run typecheck` (tsc --noEmit); SWC only strips types, which keeps
// `npm start` fast on a fresh clone.
const fs = require('node:fs');
const path = require('node:path');
const { transformFileSync } = require('@swc/core');
const { swcOptions, root } = require('./swc-options.cjs');

const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const sourceDirs = ['apps', 'libs', 'bench'];
const outDir = path.join(root, 'dist');
const stampFile = path.join(outDir, '.build-stamp');
const assetExt = new Set(['.json', '.hbs', '.html', '.txt']);

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

const isSource = (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.d.ts');
const isAsset = (f) => assetExt.has(path.extname(f)) && !f.endsWith('tsconfig.json');
const files = sourceDirs.flatMap((d) => walk(path.join(root, d), [])).filter((f) => isSource(f) || isAsset(f));
const inputs = [...files, path.join(root, 'package.json'), __filename, path.join(__dirname, 'swc-options.cjs')];

if (args.has('--if-needed') && fs.existsSync(stampFile)) {
  const built = fs.statSync(stampFile).mtimeMs;
  const stampList = fs.readFileSync(stampFile, 'utf8');
  const newest = Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
  if (newest <= built && stampList === files.map((f) => path.relative(root, f)).join('\n')) process.exit(0);
}

const started = Date.now();
fs.rmSync(outDir, { recursive: true, force: true });
const options = swcOptions();
for (const file of files) {
  const rel = path.relative(root, file);
  const target = path.join(outDir, isSource(file) ? rel.replace(/\.ts$/, '.js') : rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (!isSource(file)) {
    fs.copyFileSync(file, target);
    continue;
  }
  const { code, map } = transformFileSync(file, { ...options, filename: file, sourceFileName: path.relative(path.dirname(target), file) });
  fs.writeFileSync(target, map ? `${code}\n//# sourceMappingURL=${path.basename(target)}.map` : code);
  if (map) fs.writeFileSync(`${target}.map`, map);
}
fs.writeFileSync(stampFile, files.map((f) => path.relative(root, f)).join('\n'));
if (!quiet) process.stdout.write(`built ${files.length} files into dist/ in ${Date.now() - started} ms\n`);
