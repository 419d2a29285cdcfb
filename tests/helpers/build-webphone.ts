import { resolve } from 'node:path';
import { build } from 'vite';

/**
 * The webphone's production build into `outDir`, as `npm run build` makes it: the browser tests run what users get.
 * vitest sets NODE_ENV=test, which would make the React plugin compile JSX for development and bundle React's
 * development build; NODE_ENV is production while the build runs (test files run one at a time per process).
 */
export async function buildWebphone(outDir: string, logLevel: 'warn' | 'silent' = 'warn'): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: resolve('webphone'),
      mode: 'production',
      logLevel,
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}
