// Part of the post_build hook (tools/post-build.mjs): cuts a bundle's wasm into a main module
// and one module per page group (the `wasm_split` functions: src/routes.rs for the app,
// src/bin/public.rs for the public bundle), loaded when a page of the group first opens.
//
// Trunk's own wasm-bindgen output cannot be split (wasm-split needs the linker's relocations,
// which wasm-bindgen drops), so this starts again from cargo's wasm: wasm-split, then
// wasm-bindgen on the main module (keeping the exports the split modules import), then
// wasm-opt on every module (Trunk's is off: `data-wasm-opt="0"` in both html files). The results
// replace Trunk's files under content-hashed names, as Trunk names its own, so that the
// server lets browsers keep them for a year. The link module wasm-split writes is then
// adjusted: the small chunks come packed in one file, and every module compiles as it arrives.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The wasm features rustc enables for wasm32-unknown-unknown; split modules carry no
// target_features section, so wasm-opt is told.
const FEATURES = [
  'bulk-memory', 'bulk-memory-opt', 'call-indirect-overlong', 'multivalue', 'mutable-globals',
  'nontrapping-float-to-int', 'reference-types', 'sign-ext',
].map((feature) => `--enable-${feature}`);

const hash = (...parts) => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return digest.digest('hex').slice(0, 16);
};
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const run = (command, args) => execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

/** Replaces every occurrence of `from` in `text`, failing when there is none. */
function replaceAll(text, from, to, what) {
  if (!text.includes(from)) throw new Error(`split-wasm: ${what} does not contain ${from}`);
  return text.split(from).join(to);
}

/**
 * The bundles: the cargo binary, and the groups of the page an address opens, as a script
 * setting `group` from `location` (the inline script of index.html preloads their modules).
 */
export const BUNDLES = {
  // The groups of src/routes.rs (`Page::of_link`, `Page::group`).
  app: {
    binary: 'charge-portal',
    groupOfPath: `
  const p = location.pathname.replace(/\\/+$/, '');
  const group = /^\\/(statistics|history)(\\/|$)|^\\/chargers\\/[^/]+\\/statistics$/.test(p) ? 'statistics_pages'
    : /^\\/chargers\\/[^/]+\\/(settings|schedule|tariff)$/.test(p) ? 'charger_settings_pages'
    : /^\\/chargers\\/[^/]+$/.test(p) ? 'charger_pages'
    : /^\\/(profile|help)$/.test(p) ? 'account_pages' : null;`,
  },
  // src/bin/public.rs: every page but login is in `other_pages`.
  public: {
    binary: 'public',
    groupOfPath: `
  const group = location.pathname.replace(/\\/+$/, '') === '/login' ? null : 'other_pages';`,
  },
};

export function splitWasm(staging, { binary: CRATE, groupOfPath }) {
  const release = process.env.TRUNK_PROFILE === 'release';
  const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
  const target = process.env.CARGO_TARGET_DIR ?? path.join(source, 'target');
  // index.html's data-cargo-profile-release.
  const profile = release ? 'wasm-release' : 'debug';
  const input = path.join(target, 'wasm32-unknown-unknown', profile, `${CRATE}.wasm`);
  checkWasmBindgen(source);

  const html = path.join(staging, 'index.html');
  let page = fs.readFileSync(html, 'utf8');
  // Trunk's hash has 16 hex digits, fewer when it starts with zeros.
  const trunkJs = page.match(new RegExp(`/(${CRATE}-[0-9a-f]{1,16})\\.js`))?.[1];
  if (!trunkJs) throw new Error('split-wasm: index.html names no app script');
  const trunkWasm = `${trunkJs}_bg.wasm`;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'charge-portal-split-'));
  try {
    // (1) Split: `<work>/split/charge-portal.wasm` (the main module), one `.wasm` per
    // split module, and `__wasm_split.js`, which loads them and imports the main script.
    const split = path.join(work, 'split');
    run('wasm-split-cli', [input, split, '--out-name', CRATE]);
    // (2) wasm-bindgen on the main module, as Trunk runs it, keeping lld's exports.
    const bound = path.join(work, 'bound');
    run('wasm-bindgen', [
      '--target=web', '--no-typescript', '--keep-lld-exports', '--no-demangle',
      `--out-dir=${bound}`, `--out-name=${CRATE}`, path.join(split, `${CRATE}.wasm`),
    ]);
    const modules = fs.readdirSync(split).filter((f) => f.endsWith('.wasm') && f !== `${CRATE}.wasm`);
    // (3) wasm-opt, in release.
    const mainWasm = path.join(bound, `${CRATE}_bg.wasm`);
    if (release) {
      for (const file of [mainWasm, ...modules.map((m) => path.join(split, m))]) {
        run('wasm-opt', ['-Oz', ...FEATURES, file, '-o', file]);
      }
    }

    // (4) Content-hashed names. A split module is only valid with the main module it was cut
    // from, so its name hashes both. The link module and the main script import each other:
    // the link module's name hashes everything the main script is made of, and the main
    // script's name its final text (which names the link module).
    const main = fs.readFileSync(mainWasm);
    const wasmName = `${CRATE}-${hash(main)}_bg.wasm`;
    let link = fs.readFileSync(path.join(split, '__wasm_split.js'), 'utf8');
    const moduleNames = [];
    const small = [];
    for (const module of modules) {
      const bytes = fs.readFileSync(path.join(split, module));
      const name = `${path.basename(module, '.wasm').replace(/[^A-Za-z0-9_]/g, '_')}-${hash(bytes, main)}.wasm`;
      if (module.startsWith('chunk_') && bytes.length <= PACKED_CHUNK_MAX) small.push({ name, bytes });
      else fs.writeFileSync(path.join(staging, name), bytes);
      link = replaceAll(link, `"./${module}"`, `"./${name}"`, '__wasm_split.js');
      moduleNames.push(name);
    }
    // (4b) The small chunks travel together, in one file fetched the first time any of them is
    // needed: a group's modules then come in about half as many requests (each a round trip on
    // a real network), for a few KB of other groups' chunks downloaded early.
    const pack = small.length > 1 ? packChunks(small, main) : null;
    if (pack) fs.writeFileSync(path.join(staging, pack.name), pack.bytes);
    else for (const { name, bytes } of small) fs.writeFileSync(path.join(staging, name), bytes);
    const files = groupFiles(link, pack);
    link = rewriteLoaders(link, modules.length, pack);
    let script = fs.readFileSync(path.join(bound, `${CRATE}.js`), 'utf8');
    script = script.split(`${CRATE}_bg.wasm`).join(wasmName);
    const linkName = `split-${hash(link, script, main)}.js`;
    // Only the import statements: the keys of the import object stay the module name the
    // main wasm imports from.
    script = replaceAll(script, 'from "./__wasm_split.js"', `from "./${linkName}"`, `${CRATE}.js`);
    const scriptName = `${CRATE}-${hash(script)}.js`;
    link = replaceAll(link, `"./${CRATE}.js"`, `"./${scriptName}"`, '__wasm_split.js');

    for (const file of [`${trunkJs}.js`, trunkWasm]) fs.rmSync(path.join(staging, file));
    fs.writeFileSync(path.join(staging, wasmName), main);
    fs.writeFileSync(path.join(staging, scriptName), script);
    fs.writeFileSync(path.join(staging, linkName), link);

    // (5) index.html names the new files, with their integrity, and preloads the link module
    // (the main script imports it: fetched in parallel rather than after it).
    page = replaceAll(page, `/${trunkJs}.js`, `/${scriptName}`, 'index.html');
    page = replaceAll(page, `/${trunkWasm}`, `/${wasmName}`, 'index.html');
    page = page.replace(/<link\b[^>]*>/g, (tag) => {
      // The file's name, after the page's root (`/` or `/public/`).
      const file = tag.match(/href="[^"]*\/([^"/]+)"/)?.[1];
      if (!file || !tag.includes('integrity=') || ![scriptName, wasmName].includes(file)) return tag;
      return tag.replace(/integrity="[^"]*"/, `integrity="${sri(fs.readFileSync(path.join(staging, file)))}"`);
    });
    // Where the page's files are (`--public-url`): `/`, or `/public/`.
    const root = page.match(new RegExp(`href="([^"]*)${scriptName}"`))?.[1];
    if (!root) throw new Error('split-wasm: index.html does not name the main script');
    page = replaceAll(page, '</head>', `<link rel="modulepreload" href="${root}${linkName}" />${preloadScript(files, groupOfPath, root)}</head>`, 'index.html');
    fs.writeFileSync(html, page);
    console.log(`split-wasm: ${wasmName} + ${moduleNames.join(', ')}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Chunks up to this size (bytes, optimised) are packed into one file. */
const PACKED_CHUNK_MAX = 4096;

/** One file holding the `small` chunks end to end, and the [offset, length] of each. */
function packChunks(small, main) {
  const bytes = Buffer.concat(small.map((chunk) => chunk.bytes));
  const parts = {};
  let offset = 0;
  for (const chunk of small) {
    parts[chunk.name] = [offset, chunk.bytes.length];
    offset += chunk.bytes.length;
  }
  return { name: `chunks-${hash(bytes, main)}.bin`, bytes, parts };
}

/**
 * The files each group downloads, from the link module wasm-split wrote (each module's loader
 * follows a comment listing the groups that load it); a packed chunk comes in the pack.
 */
function groupFiles(link, pack) {
  const files = {};
  const add = (group, file) => {
    const sent = pack?.parts[file] ? pack.name : file;
    if (!(files[group] ??= []).includes(sent)) files[group].push(sent);
  };
  for (const [, groups, file] of link.matchAll(/\/\* ([a-z_, ]+) \*\/\nconst __chunk_\d+ = makeLoad\(\(\) => \{\n\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
    for (const group of groups.split(', ')) add(group, file);
  }
  for (const [, group, file] of link.matchAll(/export const __wasm_split_load_([a-z_]+) = wrapAsyncCb\(makeLoad\(\(\) => \{\n\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
    add(group, file);
  }
  if (Object.keys(files).length === 0) throw new Error('split-wasm: no module found in __wasm_split.js');
  return files;
}

/**
 * The loaders of the link module, each of its `count` modules: compiled as it downloads, rather
 * than once the chunks it imports from are instantiated (wasm-split's loader fetches at once but
 * compiles in `instantiateStreaming`, called after them), so that a group's modules compile side
 * by side and only instantiation waits; a packed chunk's bytes taken from the pack (fetched once,
 * by the first loader that needs it) instead of a file of its own.
 */
function rewriteLoaders(link, count, pack) {
  const loader = /const src = fetch\(new URL\("\.\/([^"]+)", import\.meta\.url\)\);\n    src\.catch\(\(\) => \{\}\);\n    return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);/g;
  const found = [...link.matchAll(loader)].length;
  if (found !== count) throw new Error(`split-wasm: ${found} module loaders in __wasm_split.js, expected ${count}`);
  link = link.replace(loader, (_, file) => {
    const compiled = pack?.parts[file]
      ? `packed("${file}").then((bytes) => WebAssembly.compile(bytes))`
      : `WebAssembly.compileStreaming(fetch(new URL("./${file}", import.meta.url)))`;
    return `const src = ${compiled};
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiate(await src, imports));`;
  });
  if (!pack) return link;
  // After the import statement that opens the link module.
  const reader = `
// Small chunks, packed into one file by tools/split-wasm.mjs: [offset, length] of each.
const PACK = { file: "./${pack.name}", parts: ${JSON.stringify(pack.parts)} };
let pack = undefined;
function packed(chunk) {
    if (pack === undefined) {
        const thisPack = fetch(new URL(PACK.file, import.meta.url)).then((response) => {
            if (!response.ok) throw new Error(\`\${PACK.file}: \${response.status}\`);
            return response.arrayBuffer();
        });
        // Not kept when it failed: the next load tries again.
        thisPack.catch(() => { if (pack === thisPack) pack = undefined; });
        pack = thisPack;
    }
    const [offset, length] = PACK.parts[chunk];
    return pack.then((bytes) => bytes.slice(offset, offset + length));
}
`;
  if (!link.startsWith('import ')) throw new Error('split-wasm: __wasm_split.js does not start with its import');
  const firstLineEnd = link.indexOf('\n');
  return link.slice(0, firstLineEnd + 1) + reader + link.slice(firstLineEnd + 1);
}

/**
 * An inline script that starts downloading the modules of the page the address opens, beside
 * the main module, rather than once the app runs and asks for them, and that tells the app
 * which groups this browser downloaded before (`cpSplit.downloaded`). `files`: each group's
 * files (`groupFiles`).
 */
function preloadScript(files, groupOfPath, root) {
  // `cpSplit.downloaded(group)`: whether this browser downloaded every file of a group's module
  // before (so they are in its HTTP cache: hashed names, kept for a year), for the app to
  // instantiate while idle (src/routes.rs). Remembered in localStorage, as the files arrive.
  return `<script>(() => {
  const files = ${JSON.stringify(files)};
  const all = new Set(Object.values(files).flat());
  const KEY = 'cp-split-downloaded:${root}';
  const known = new Set();
  try { for (const file of JSON.parse(localStorage.getItem(KEY)) ?? []) if (all.has(file)) known.add(file); } catch {}
  new PerformanceObserver((list) => {
    const before = known.size;
    for (const entry of list.getEntries()) {
      const file = entry.name.split('/').pop();
      if (all.has(file) && (entry.responseStatus ?? 200) === 200 && entry.decodedBodySize > 0) known.add(file);
    }
    if (known.size > before) try { localStorage.setItem(KEY, JSON.stringify([...known])); } catch {}
  }).observe({ type: 'resource' });
  window.cpSplit = { downloaded: (group) => !!files[group] && files[group].every((file) => known.has(file)) };${groupOfPath}
  for (const file of files[group] ?? []) {
    const link = Object.assign(document.createElement('link'), { rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: '${root}' + file });
    document.head.append(link);
  }
})();</script>`;
}

/** The wasm-bindgen on PATH must be the one of Cargo.lock, as Trunk.toml's. */
function checkWasmBindgen(source) {
  const lock = fs.readFileSync(path.join(source, 'Cargo.lock'), 'utf8');
  const wanted = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/)?.[1];
  const found = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim().split(' ')[1];
  if (wanted !== found) throw new Error(`split-wasm: wasm-bindgen ${found} on PATH, Cargo.lock has ${wanted}`);
}
