#!/usr/bin/env node
// `npm run build:site [-- --out DIR]`: the editor as a static site any host can serve, under any
// sub-path, with no server logic. Writes (default dist/site/):
//   index.html        landing page (what cortexflow is, the examples one click away, CLI and plugin guide)
//   editor.html       the editor (Vite build, relative URLs), assets/ (JS, CSS, the tfjs .wasm files)
//   examples/*.json   the example pipelines (editor.html?pipeline=examples/FILE opens one)
//   docs/*.html       the docs pages, rendered from docs/*.md at build time (marked)
//   coi-sw.js         the opt-in service worker that makes a header-less host cross-origin isolated
//   site.css          styles of the landing page and docs
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, resolve } from 'node:path';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { build } from 'vite';
import { Marked } from 'marked';
import { gfmHeadingId } from 'marked-gfm-heading-id';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = resolve(outArg >= 0 && args[outArg + 1] ? args[outArg + 1] : join(repo, 'dist/site'));
const site = join(repo, 'editor/site');

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// 1. The editor, with relative URLs, then renamed so that index.html can be the landing page
//    (same folder, so its relative asset URLs stay right).
await build({ configFile: join(repo, 'editor/vite.site.config.ts'), logLevel: 'warn', build: { outDir: out } });
renameSync(join(out, 'index.html'), join(out, 'editor.html'));

// 2. Examples, as files: the landing page opens them through ?pipeline= (the same path a shared URL takes).
mkdirSync(join(out, 'examples'), { recursive: true });
const examples = [];
for (const file of readdirSync(join(repo, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  copyFileSync(join(repo, 'examples', file), join(out, 'examples', file));
  const doc = JSON.parse(readFileSync(join(repo, 'examples', file), 'utf8'));
  examples.push({ file, name: doc.name ?? file, description: doc.description ?? '', plugins: doc.plugins ?? [] });
}

// 3. Docs: every docs/*.md (they link each other) as HTML. Links to other .md pages become .html;
//    links into the repository (source folders) are not on the site and become labelled text.
const docsDir = join(repo, 'docs');
const docFiles = readdirSync(docsDir)
  .filter((f) => f.endsWith('.md'))
  .sort();
const titles = new Map();
mkdirSync(join(out, 'docs'), { recursive: true });
const marked = new Marked(gfmHeadingId());
marked.use({
  walkTokens(token) {
    if (token.type !== 'link' || /^[a-z]+:/i.test(token.href) || token.href.startsWith('#')) return;
    const m = /^([^#]+)\.md(#.*)?$/.exec(token.href);
    if (m && !m[1].includes('/')) token.href = `${m[1]}.html${m[2] ?? ''}`;
    else if (!token.href.startsWith('../examples/')) token.repoPath = token.href.replace(/^(\.\.\/)+/, '');
  },
  renderer: {
    link(token) {
      if (token.repoPath === undefined) return false;
      return `${this.parser.parseInline(token.tokens)} <span class="repo-path">(<code>${escapeHtml(token.repoPath)}</code> in the cortexflow repository)</span>`;
    },
  },
});
const nav = (prefix) =>
  `<nav class="site"><a href="${prefix}index.html">cortexflow</a><a href="${prefix}editor.html">Editor</a><a href="${prefix}docs/index.html">Docs</a><a href="${prefix}docs/cli.html">CLI</a><a href="${prefix}docs/plugins.html">Plugins</a></nav>`;
const page = (title, body, prefix) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${prefix}site.css"></head>` +
  `<body>${nav(prefix)}<main>${body}</main></body></html>\n`;
for (const file of docFiles) {
  const md = readFileSync(join(docsDir, file), 'utf8');
  const title = /^#\s+(.+)$/m.exec(md)?.[1] ?? file;
  titles.set(file, title);
  writeFileSync(
    join(out, 'docs', file.replace(/\.md$/, '.html')),
    page(`${title} · cortexflow`, marked.parse(md), '../'),
  );
}
const list = docFiles
  .map((f) => `<li><a href="${f.replace(/\.md$/, '.html')}">${escapeHtml(titles.get(f))}</a></li>`)
  .join('\n');
writeFileSync(
  join(out, 'docs', 'index.html'),
  page('Documentation · cortexflow', `<h1>Documentation</h1>\n<ul>\n${list}\n</ul>`, '../'),
);

// 4. Landing page, with the examples listed at build time (no script needed to show them).
const firstSentence = (s) => (/^.*?[.!?](\s|$)/.exec(s)?.[0] ?? s).trim();
const items = examples
  .map((e) => {
    // Plugin examples name their (bundled) plugin in the link, so they open in one click too.
    const plugins = e.plugins.map((p) => `&plugin=${encodeURIComponent(p)}`).join('');
    const href = `editor.html?pipeline=${encodeURIComponent(`examples/${e.file}`)}${plugins}`;
    const note = e.plugins.length
      ? ` <span class="desc">(loads the plugin ${e.plugins.map(escapeHtml).join(', ')})</span>`
      : '';
    return `          <li><a href="${escapeHtml(href)}" data-file="${escapeHtml(e.file)}">${escapeHtml(e.name)}</a>${note}<br /><span class="desc">${escapeHtml(firstSentence(e.description))}</span> <a class="desc" href="examples/${escapeHtml(e.file)}" download>JSON</a></li>`;
  })
  .join('\n');
const landing = readFileSync(join(site, 'landing.html'), 'utf8')
  .replace('<!-- EXAMPLES -->', items)
  .replace('<!-- BUILT -->', new Date().toISOString().slice(0, 10));
writeFileSync(join(out, 'index.html'), landing);
copyFileSync(join(site, 'site.css'), join(out, 'site.css'));
copyFileSync(join(site, 'coi-sw.js'), join(out, 'coi-sw.js'));

// 5. What was written.
let bytes = 0;
let files = 0;
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const st = statSync(p);
    if (st.isDirectory()) walk(p);
    else {
      bytes += st.size;
      files += 1;
    }
  }
};
walk(out);
console.log(
  `site written to ${relative(process.cwd(), out) || '.'}: ${files} files, ${(bytes / 1024 / 1024).toFixed(2)} MiB`,
);
console.log('serve the folder with any static file server; open index.html (landing) or editor.html');
