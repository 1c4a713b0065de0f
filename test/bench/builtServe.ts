import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

/**
 * Bundles `electron/serve.ts` into plain JavaScript (vite SSR build; npm dependencies stay
 * external) so the server's memory can also be measured without the tsx loader, as the packaged
 * app runs it. The bundle sits two folders below the repository root, where the server's own
 * relative path to out/renderer still holds.
 */

const ROOT = resolve(import.meta.dirname, '../..');
/** The bundled entry. */
export const BUILT_SERVE = join(ROOT, 'out', 'bench-serve', 'serve.mjs');

/** Builds the bundle (every time: it is quick and the sources change). */
export async function buildServe(): Promise<string> {
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: join(ROOT, 'electron', 'serve.ts'),
      outDir: join(ROOT, 'out', 'bench-serve'),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'serve.mjs' } },
    },
  });
  if (!existsSync(BUILT_SERVE)) throw new Error(`the serve bundle is missing: ${BUILT_SERVE}`);
  return BUILT_SERVE;
}
