import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API runs separately; proxying /v1 keeps the session cookie same-origin.
const api = process.env.SLIPWAY_API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/v1': { target: api, changeOrigin: false } } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
