import WebSocket from 'ws';

/**
 * ws-hold.ts <port> <host> <count>: opens <count> idle WebSockets through the
 * router, prints "open <n>" once all are up, keeps them until SIGTERM.
 */
const [port, host, count] = [Number(process.argv[2]), process.argv[3]!, Number(process.argv[4])];
const sockets: WebSocket[] = [];
let open = 0;
let failed = 0;
const batch = 200;
for (let i = 0; i < count; i += batch) {
  await Promise.all(
    Array.from({ length: Math.min(batch, count - i) }, () =>
      new Promise<void>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { host }, perMessageDeflate: false });
        ws.on('open', () => { open++; resolve(); });
        ws.on('error', () => { failed++; resolve(); });
        sockets.push(ws);
      }),
    ),
  );
}
// One round trip on a sample proves the held sockets still work.
const sample = sockets.filter((s) => s.readyState === WebSocket.OPEN).slice(0, 100);
const echoed = await Promise.all(sample.map((s) => new Promise<boolean>((r) => { s.once('message', () => r(true)); s.send('ping'); setTimeout(() => r(false), 5000); })));
console.log(`open ${open} failed ${failed} echoed ${echoed.filter(Boolean).length}/${sample.length}`);
process.on('SIGTERM', () => { for (const s of sockets) s.terminate(); process.exit(0); });
setInterval(() => {}, 1 << 30);
