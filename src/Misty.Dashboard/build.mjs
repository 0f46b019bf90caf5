// Bundles the dashboard into ../Misty.Web/wwwroot: everything the page needs, nothing fetched at run time.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const out = new URL('../Misty.Web/wwwroot/', import.meta.url);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { dashboard: 'src/main.js' },
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
