import { routerErrors, type RouterErrorCode } from './codes.ts';

/** A small self-contained error page; it names the code and request id, never hosts, ports or stacks. */
export function errorPage(code: RouterErrorCode, requestId: string): string {
  const e = routerErrors[code];
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${e.title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:12vh auto;padding:0 1em;color:#222}code{color:#666}</style>
</head><body><h1>${e.title}</h1><p>${e.detail}</p>
<p><code>${code} · request ${escapeHtml(requestId)}</code></p></body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
