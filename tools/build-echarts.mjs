// Trunk hook (post_build, see Trunk.toml): bundles tools/echarts.mjs into
// <staging dir>/vendor/echarts.js, which the portal loads only when a statistics view opens.
// The public bundle (public.html) has no charts and gets no copy.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const staging = process.env.TRUNK_STAGING_DIR;
const page = path.basename(process.env.TRUNK_HTML_FILE ?? 'index.html');
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run this from a Trunk hook');
if (page === 'index.html') {
  const here = path.dirname(fileURLToPath(import.meta.url));
  await build({
    entryPoints: [path.join(here, 'echarts.mjs')],
    outfile: path.join(staging, 'vendor', 'echarts.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
}
