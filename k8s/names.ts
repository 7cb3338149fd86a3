/**
 * Fixed object names and labels. The Service name is the Prometheus `job` label (the
 * ServiceMonitor keeps it through jobLabel), which rules and dashboards select on, so it must not
 * change between synths: cdk8s' hashed names are never used.
 */
export const APP_NAME = 'feexpay-gateway';

export const NAMES = {
  service: APP_NAME,
  deployment: APP_NAME,
  serviceAccount: APP_NAME,
  configMap: `${APP_NAME}-config`,
  /** Created out of band (see docs/deploy.md); the manifests only reference it. */
  secret: `${APP_NAME}-secrets`,
  hpa: APP_NAME,
  pdb: APP_NAME,
  networkPolicy: APP_NAME,
  cronNetworkPolicy: `${APP_NAME}-jobs`,
  ingress: APP_NAME,
  httpRoute: APP_NAME,
  internalHttpRoute: `${APP_NAME}-internal`,
  certificate: APP_NAME,
  certificateGrant: `${APP_NAME}-certificate`,
  serviceMonitor: APP_NAME,
  alertmanagerConfig: APP_NAME,
  weeklyReport: `${APP_NAME}-weekly-report`,
  logArchive: `${APP_NAME}-log-archive`,
} as const;

export const PORTS = {
  http: { name: 'http', port: 3000 },
  metrics: { name: 'metrics', port: 9091 },
} as const;

/** The label Prometheus copies into `job` (ServiceMonitor.spec.jobLabel). */
export const JOB_LABEL_KEY = 'app.kubernetes.io/name';

export type Labels = Record<string, string>;

/** Selector labels: stable for the life of the Deployment (a selector is immutable). */
export function selectorLabels(component: string): Labels {
  return { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/component': component };
}

export function commonLabels(env: string, version: string): Labels {
  return {
    'app.kubernetes.io/part-of': APP_NAME,
    'app.kubernetes.io/managed-by': 'cdk8s',
    'app.kubernetes.io/version': version,
    'feexpay.example.com/environment': env,
  };
}

/** The image tag, used as the version label and as SENTRY_RELEASE. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0)
    return image
      .slice(at + 1)
      .replace(/^sha256:/, '')
      .slice(0, 12);
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : 'latest';
}
