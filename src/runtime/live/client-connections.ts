/**
 * Connections per client address (issue 13 item 9): `--max-connections` bounds a server's
 * connections in all, so one client could take them all and shut every other client out; this
 * bounds what one peer address may hold at once. A connection over the limit is closed as soon
 * as it is accepted, before a byte of it is read (a TLS one before its handshake).
 *
 * Clients behind one NAT share an address, as do all the processes of a cluster on loopback,
 * which is why the limit is a flag with a generous default: far above what one host of a real
 * cluster uses (an agent keeps at most 8 connections to its master, a scheduler 2), far below
 * the server's total.
 */
import type { Server } from 'node:net';

/** Connections one client address may hold at once, by default. */
export const MAX_CONNECTIONS_PER_CLIENT = 256;

/** Closes connections from a peer address that already holds `limit`; `dropped` hears of each. */
export function limitConnectionsPerClient(server: Server, limit: number, dropped?: () => void): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const held = open.get(address) ?? 0;
    if (held >= limit) {
      socket.destroy();
      dropped?.();
      return;
    }
    open.set(address, held + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
