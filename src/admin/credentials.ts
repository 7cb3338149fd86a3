/**
 * The admin login check. Both sides are hashed before the comparison so timingSafeEqual always
 * compares equal lengths: neither the password's length nor its first wrong character shows in
 * the response time. Parsing the header is @fastify/basic-auth's job (routes/admin/basic-auth.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AdminCredentials {
  user: string;
  password: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function credentialsMatch(given: AdminCredentials, expected: AdminCredentials): boolean {
  const user = timingSafeEqual(digest(given.user), digest(expected.user));
  const password = timingSafeEqual(digest(given.password), digest(expected.password));
  // Both comparisons always run; `&&` on their results keeps the timing independent of which failed.
  return user && password;
}
