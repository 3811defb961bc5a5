import { describe, expect, it } from 'vitest';

import { OptionError } from '../../src/errors.js';
import {
  maskRedisUrl,
  parseRedisUrl,
} from '../../src/run/distributed/redis-url.js';

describe('Redis URLs', () => {
  it('masks the password and always shows the port', () => {
    expect(maskRedisUrl('redis://:s3cret@db.example:6380/2')).toBe(
      'redis://:****@db.example:6380/2',
    );
    expect(maskRedisUrl('rediss://alice:s3cret@db.example')).toBe(
      'rediss://alice:****@db.example:6379',
    );
    expect(maskRedisUrl('redis://127.0.0.1')).toBe('redis://127.0.0.1:6379');
    expect(maskRedisUrl('redis://h?password=s3cret&family=6')).toBe(
      'redis://h:6379?password=****&family=6',
    );
  });

  it('accepts redis:// and rediss:// and tells TLS apart', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379').tls).toBe(false);
    expect(parseRedisUrl('rediss://:pw@h:6380').tls).toBe(true);
    expect(parseRedisUrl('redis://:pw@h:1/0').masked).toBe(
      'redis://:****@h:1/0',
    );
  });

  it.each([
    ['http://:s3cret@h:6379', /redis:\/\/ or rediss:\/\//],
    ['not a url s3cret', /is not a URL/],
    ['redis://:s3cret@h:6379/zero', /databases are numbers/],
    ['redis://:s3cret@/', /has no host|is not a URL/],
  ])('refuses %s without printing the password', (url, message) => {
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('s3cret');
  });
});
