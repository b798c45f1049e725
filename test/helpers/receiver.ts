import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How many requests it has answered so far. */
  answered: number;
  /** How to answer the n-th request (0-based): a status, optionally after a delay. */
  respond: (n: number) => { status: number; delayMs?: number };
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** A real HTTP endpoint on 127.0.0.1:0 that records every webhook it gets. */
export async function startReceiver(respond: Receiver['respond'] = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  let waiters: (() => void)[] = [];
  const receiver = { respond, answered: 0 } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = received.length;
      received.push({ headers: req.headers, body, json: body ? JSON.parse(body) : null, at: performance.now() });
      const answer = receiver.respond(n);
      const send = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end('ok');
        receiver.answered++;
        for (const w of waiters) w();
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    waitFor: (count: number, timeoutMs = 5000) =>
      new Promise<Received[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} webhooks arrived`)), timeoutMs);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== check);
            resolve(received);
          }
        };
        waiters.push(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return receiver;
}

/**
 * A webhook URL that refuses every connection, for as long as the handle is held (never a
 * port just freed, which anything may take again). This process holds 127.0.0.1:P, so
 * nothing can bind P on any address but 127.0.0.2 itself, and connections to
 * 127.0.0.2:P are refused (Linux answers all of 127/8 on loopback).
 */
export async function refusingUrl(): Promise<{ url: string; close(): Promise<void> }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  return { url: `http://127.0.0.2:${port}/hooks`, close: () => new Promise<void>((resolve) => holder.close(() => resolve())) };
}
