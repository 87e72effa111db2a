// Trunk's post_build hook (Trunk.toml). One script, because Trunk runs the hooks of a stage
// at the same time and these steps must run in order: hash-assets rewrites index.html and
// renames files last. The public bundle (public.html) has no charts nor covers: it is only
// split.
import * as path from 'node:path';
import { buildEcharts } from './build-echarts.mjs';
import { hashAssets } from './hash-assets.mjs';
import { BUNDLES, splitWasm } from './split-wasm.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
const page = path.basename(process.env.TRUNK_HTML_FILE ?? 'index.html');
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run this from a Trunk hook');
if (page === 'index.html') {
  await buildEcharts(staging);
  splitWasm(staging, BUNDLES.app);
  hashAssets(staging);
} else {
  splitWasm(staging, BUNDLES.public);
}
