/**
 * Whether a request comes from the host it claims (issue 13 item 2: every identity bound to its
 * address). An agent's address is `agent@<host>:<port>`, where `<host>` is its `--host`; the
 * master checks that the agent's registration really comes from that host: the TCP peer address
 * must be the host itself when it is an IP address, or one of the addresses it resolves to when
 * it is a name. A live agent sends from its `--host` (its connections to the master are bound to
 * it), so a real agent always passes; a client elsewhere cannot claim to be an agent at another
 * machine's address. (Spoofing a TCP peer address takes control of the route, which TLS and the
 * agent's token guard against.)
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** The host of an agent address `agent@host:port` (`[::1]` unbracketed), or undefined. */
export function agentHost(address: string): string | undefined {
  const m = /^agent@(.+):\d+$/u.exec(address);
  if (m === null) return undefined;
  const host = m[1] as string;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Whether IP addresses `a` and `b` are the same address, whatever their notation. */
function sameIp(a: string, b: string): boolean {
  const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  const list = new BlockList();
  list.addAddress(a, family(a));
  // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; BlockList matches both forms.
  return list.check(b, family(b));
}

/** Whether `host` (an IP address or a name) is the peer address `remote`. */
export async function hostIsSource(host: string, remote: string | undefined): Promise<boolean> {
  if (remote === undefined || isIP(remote) === 0) return false;
  if (isIP(host) !== 0) return sameIp(host, remote);
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.some((a) => sameIp(a.address, remote));
  } catch {
    return false;
  }
}

/**
 * The local address to send from so that peers see `host`: the host itself when it is a
 * specific IP address, else undefined (let the system choose).
 */
export function sendingAddress(host: string): string | undefined {
  if (isIP(host) === 0 || host === '0.0.0.0' || host === '::') return undefined;
  return host;
}
