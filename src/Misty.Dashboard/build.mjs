// Bundles the dashboard into ../Misty.Web/wwwroot: everything the page needs, nothing fetched at run time.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const out = new URL('../Misty.Web/wwwroot/', import.meta.url);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  // The API reference page (api-reference/index.html) has its own small script beside the dashboard's.
  entryPoints: { dashboard: 'src/main.js', reference: 'src/reference/reference.js' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  // Licence comments of the bundled packages go to dashboard.js.LEGAL.txt beside the bundle.
  legalComments: 'linked',
  outdir: out.pathname,
  logLevel: 'warning',
});
await copyFile(new URL('src/index.html', import.meta.url), new URL('index.html', out));
await mkdir(new URL('api-reference/', out), { recursive: true });
await copyFile(new URL('src/reference/index.html', import.meta.url), new URL('api-reference/index.html', out));
