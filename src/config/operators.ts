/** The operators' side: admin dashboard login, weekly reports, the log archive. */
import path from 'node:path';
import type { Config } from '../config.ts';
import { int, optional, str, url, type Env } from './env.ts';

export function operatorSettings(env: Env): Pick<Config, 'adminPassword' | 'operators'> {
  return {
    adminPassword: optional(env, 'ADMIN_PASSWORD'),
    operators: {
      adminUser: str(env, 'ADMIN_USER', 'admin'),
      reportsDir: path.resolve(str(env, 'REPORTS_DIR', './reports')),
      logArchiveDir: optional(env, 'LOG_ARCHIVE_DIR'),
      logRetentionDays: int(env, 'LOG_RETENTION_DAYS', 365, 1, 36_500),
      prometheusUrl: url(env, 'PROMETHEUS_URL', ['https:', 'http:']),
      alertmanagerUrl: url(env, 'ALERTMANAGER_URL', ['https:', 'http:']),
    },
  };
}
