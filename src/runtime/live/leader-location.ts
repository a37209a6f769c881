/**
 * Where a non-leading master's `307 Temporary Redirect` points. Mesos's master writes its
 * `Location` as `//<leader host>:<port><path>`, relative to the scheme the client used
 * (src/master/http.cpp `redirect`), and docs/scheduler-http-api.md shows a bare
 * `masterhost2:5050`; an absolute `http(s)://…` is taken as given too. Without a path the
 * request's own path is kept, so a SUBSCRIBE redirected to `host:port` goes to that master's
 * `/api/v1/scheduler`.
 */

/** The URL `location` names, resolved against the `current` request URL; an error if it names none. */
export function resolveLeaderLocation(
  location: string | undefined,
  current: string,
): { ok: true; url: string } | { ok: false; error: string } {
  const text = location?.trim() ?? '';
  if (text === '') return { ok: false, error: 'the 307 has no Location header' };
  const here = new URL(current);
  let spelled = text;
  // A bare `host:port[/path]` (the docs' example) parses as a URL with the host as its scheme.
  if (!/^[a-z][a-z0-9+.-]*:\/\//iu.test(text) && !text.startsWith('/')) spelled = `//${text}`;
  let target: URL;
  try {
    target = new URL(spelled, here);
  } catch {
    return { ok: false, error: `the 307's Location "${text}" is not a URL` };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { ok: false, error: `the 307's Location "${text}" is not an http(s) URL` };
  }
  if (target.pathname === '/' || target.pathname === '') target.pathname = here.pathname;
  return { ok: true, url: target.toString() };
}
