/** The optional shared log volume (see EnvSettings.logsVolume). */
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { LogsVolume } from './settings.ts';

export function logsClaim(v: LogsVolume): PersistentVolumeClaim {
  return new PersistentVolumeClaim({
    metadata: { name: v.claimName },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: v.storageClassName,
      resources: { requests: { storage: v.size } },
    },
  });
}
