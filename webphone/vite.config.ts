import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The webphone: `vite build webphone` writes webphone/dist, which the controller serves at `/`.
 * `vite webphone` (dev) proxies /api, WebSocket included, to a controller on :3000.
 */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
});
