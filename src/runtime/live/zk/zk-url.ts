/**
 * `zk://` master URLs, as Mesos takes them for `--zk` and `--master`
 * (`zk://[username:password@]host1:port1,host2:port2,…/path`): the servers to connect to and the
 * znode under which the masters contend.
 */

/** A parsed `zk://` URL. */
export interface ZkUrl {
  /** `host1:port1,host2:port2`, as a ZooKeeper client connects. */
  readonly servers: string;
  /** The znode the masters' `json.info_<seq>` nodes live under, e.g. `/mesos`. */
  readonly path: string;
  /** `username:password`, given to ZooKeeper as `digest` authentication, if the URL has one. */
  readonly digest?: string;
}

/** Whether `url` is a `zk://` URL (and not a master's `host:port` or `http(s)://` URL). */
export function isZkUrl(url: string): boolean {
  return url.startsWith('zk://');
}

/** Parses `url`; a string says what is wrong with it. */
export function parseZkUrl(url: string): ZkUrl | string {
  const expected = 'expected zk://host1:port1,host2:port2,…/path (e.g. zk://127.0.0.1:2181/mesos)';
  if (!isZkUrl(url)) return `"${url}": ${expected}`;
  const rest = url.slice('zk://'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return `"${url}": no path after the servers; ${expected}`;
  let authority = rest.slice(0, slash);
  const path = rest.slice(slash).replace(/\/+$/u, '');
  let digest: string | undefined;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    digest = authority.slice(0, at);
    authority = authority.slice(at + 1);
    if (!digest.includes(':')) return `"${url}": credentials must be username:password`;
  }
  if (path === '' || !/^(\/[^/\s]+)+$/u.test(path)) return `"${url}": bad znode path "${path}"; ${expected}`;
  const servers = authority.split(',');
  for (const server of servers) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/u.exec(server);
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65_535) {
      return `"${url}": bad server "${server}" (host:port, port 1–65535); ${expected}`;
    }
  }
  return { servers: servers.join(','), path, ...(digest === undefined ? {} : { digest }) };
}
