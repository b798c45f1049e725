import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../auth/bearer.js';
import { errors } from '../errors.js';

/** `--admin-token T`: the control plane answers only `Authorization: Bearer T` (health stays open). */
export function adminToken(token: string): MiddlewareHandler {
  const expected = Buffer.from(token);
  return async function requireAdminToken(c, next) {
    const given = Buffer.from(bearerToken(c.req.header('authorization')) ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw errors.invalidAdminToken();
    }
    return next();
  };
}
