/**
 * Closing a connection from our side. A driver's subscription is a connection to its master (or
 * agent): the v1 API has no "unsubscribe" or "deactivate" call, and a client that is done with
 * a subscription simply closes its stream, which the server sees as a broken connection (Mesos
 * `Master::exited` / the HTTP stream's `closed` future). In the simulated world addresses are the
 * connections and a closed one is announced with the `link` envelope, so the driver closes its
 * subscription by sending `{ channel: 'link', exited: <own address> }` to the peer: the peer
 * handles it exactly as the runtime's own notice that we went away. The live transport maps
 * this message to closing the subscription stream (it is never put on the wire as such).
 */
import type { Address } from '../core/process.js';
import type { Wire } from '../core/wire.js';

/** The message that closes `self`'s connection to the peer it is sent to. */
export function connectionClosed(self: Address): Wire {
  return { channel: 'link', exited: self };
}
