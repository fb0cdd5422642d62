import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_HEADER, routerErrors, type RouterErrorCode } from './codes.ts';
import { errorPage } from './page.ts';

/** Answers with the error page unless the response has started; then the connection is cut so the client sees a failure. */
export function sendError(res: ServerResponse, code: RouterErrorCode, requestId: string, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorPage(code, requestId);
  res.writeHead(routerErrors[code].status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    [ERROR_HEADER]: code,
    'x-request-id': requestId,
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

/** The same answer written on a raw socket (upgrade requests and parser errors have no ServerResponse). */
export function sendSocketError(socket: Duplex, code: RouterErrorCode, requestId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const e = routerErrors[code];
  const body = errorPage(code, requestId);
  socket.end(
    `HTTP/1.1 ${e.status} ${e.title}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `${ERROR_HEADER}: ${code}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}
