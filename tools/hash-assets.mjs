// Part of the post_build hook (tools/post-build.mjs): gives the app's files that Trunk copies
// as they are (the ECharts bundle, the cover pictures) content-hashed names, as Trunk names its
// own, so that the server lets browsers keep them for a year (`immutable`). Each old path is
// mapped to its new name by a `<meta name="asset:/old/path" content="/new/path">` in
// index.html, which the portal reads (src/assets.rs).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function hashAssets(staging) {
  const covers = fs
    .readdirSync(path.join(staging, 'covers'), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.svg'))
    .map((entry) => `covers/${entry.name}`);
  const metas = ['vendor/echarts.js', ...covers].map((asset) => {
    const file = path.join(staging, asset);
    const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
    const { dir, name, ext } = path.parse(asset);
    const hashed = `${dir}/${name}-${hash}${ext}`;
    fs.renameSync(file, path.join(staging, hashed));
    return `<meta name="asset:/${asset}" content="/${hashed}" />`;
  });
  const html = path.join(staging, 'index.html');
  const text = fs.readFileSync(html, 'utf8');
  if (!text.includes('</head>')) throw new Error('index.html has no </head>');
  fs.writeFileSync(html, text.replace('</head>', `${metas.join('')}</head>`));
}
