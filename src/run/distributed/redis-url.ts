import { OptionError } from '../../errors.js';

/** A Redis URL checked once, with the form that is safe to print. */
export interface RedisTarget {
  /** The URL as given; handed to the Redis client, never printed. */
  url: string;
  /** The URL with any password replaced by `****`. */
  masked: string;
  /** True for `rediss://` (TLS). */
  tls: boolean;
}

const DEFAULT_PORT = 6379;

/**
 * Validates a `redis://` or `rediss://` URL. Messages quote only the masked
 * form: a password must not reach a terminal, a log file or a test report.
 */
export function parseRedisUrl(
  url: string,
  option = '--redis',
): RedisTarget {
  const hint =
    'Use redis://[:password@]host[:port][/db], or rediss://… for TLS, ' +
    'e.g. redis://127.0.0.1:6379.';

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: text that is not a URL may be a password pasted alone.
    throw new OptionError(
      `${option} expects a Redis URL; what was given is not a URL`,
      { location: option, hint },
    );
  }

  const masked = maskUrl(parsed);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new OptionError(
      `${option} expects a redis:// or rediss:// URL, received ` +
        `"${masked}"`,
      { location: option, hint },
    );
  }
  if (parsed.hostname === '') {
    throw new OptionError(`${option} URL "${masked}" has no host`, {
      location: option,
      hint,
    });
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new OptionError(
      `${option} URL "${masked}" names database "${db}"; Redis ` +
        'databases are numbers',
      { location: option, hint },
    );
  }

  return { url, masked, tls: parsed.protocol === 'rediss:' };
}

/** The printable form of a Redis URL: `redis://:****@host:port/db`. */
export function maskRedisUrl(url: string): string {
  try {
    return maskUrl(new URL(url));
  } catch {
    return '(not a URL)';
  }
}

function maskUrl(parsed: URL): string {
  const user = decodeURIComponent(parsed.username);
  const auth = parsed.password !== ''
    ? `${user}:****@`
    : user ? `${user}@` : '';
  const port = parsed.port || String(DEFAULT_PORT);
  const host = parsed.hostname.includes(':') && !parsed.hostname.startsWith('[')
    ? `[${parsed.hostname}]`
    : parsed.hostname;
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  const query = [...parsed.searchParams]
    .map(([name, value]) =>
      name === 'password' ? `${name}=****` : `${name}=${value}`,
    )
    .join('&');

  return (
    `${parsed.protocol}//${auth}${host}:${port}${path}` +
    (query ? `?${query}` : '')
  );
}
