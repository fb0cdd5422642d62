import WebSocket from 'ws';

/** Opens a WebSocket through the router (Host header picks the app); bounded. */
export function openSocket(routerPort: number, app: string, timeoutMs = 10_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${routerPort}/`, { headers: { host: `${app}.slipway.localhost` }, handshakeTimeout: timeoutMs });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one message and waits for its echo. */
export function echo(ws: WebSocket, message: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo of ${message} within ${timeoutMs} ms`)), timeoutMs);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(String(data));
    });
    ws.send(message);
  });
}

/** A fresh socket, one echo, closed again. */
export async function echoOnce(routerPort: number, app: string, message: string): Promise<string> {
  const ws = await openSocket(routerPort, app);
  try {
    return await echo(ws, message);
  } finally {
    ws.close();
  }
}
