// Part of the post_build hook (tools/post-build.mjs): bundles tools/echarts.mjs into
// <staging dir>/vendor/echarts.js, which the portal loads only when a statistics view opens.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function buildEcharts(staging) {
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
