/**
 * HTTP Basic credentials for the admin dashboard. Both sides are hashed before the comparison so
 * timingSafeEqual always compares equal lengths: neither the password's length nor its first
 * wrong character shows in the response time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AdminCredentials {
  user: string;
  password: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function parseBasicAuth(header: string | undefined): AdminCredentials | null {
  if (!header || !/^Basic [A-Za-z0-9+/=]+$/.test(header)) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function credentialsMatch(given: AdminCredentials | null, expected: AdminCredentials): boolean {
  const user = timingSafeEqual(digest(given?.user ?? ''), digest(expected.user));
  const password = timingSafeEqual(digest(given?.password ?? ''), digest(expected.password));
  // Both comparisons always run; `&&` on their results keeps the timing independent of which failed.
  return given !== null && user && password;
}
