// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every text and wasm
// file of the built portal, so that the server sends them as they are instead of compressing
// on every request. Usage: node tools/precompress.mjs dist
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const COMPRESSIBLE = /\.(wasm|bin|js|css|html|svg|json)$/;

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (COMPRESSIBLE.test(entry.name)) yield full;
  }
}

for (const file of files(process.argv[2] ?? 'dist')) {
  const body = fs.readFileSync(file);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
}
