/**
 * Assembles the typed objects into cdk8s charts, one per output file. Objects are built with
 * kubernetes-models (typed, schema-validated) and handed to cdk8s as ApiObjects, which gives the
 * chart tree, common labels, default namespace and dependency-ordered synthesis.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { alertmanagerConfig, type AmSource } from './alertmanager-config.ts';
import { logsClaim } from './storage.ts';
import { apiAutoscaler, apiConfigMap, apiDeployment, apiDisruptionBudget, apiService, apiServiceAccount } from './api.ts';
import { enabledCronJobs } from './cronjobs.ts';
import { edgeObjects } from './edge.ts';
import { MIGRATE_COMPONENT, migrateJob } from './migrate-job.ts';
import { dashboardConfigMaps, prometheusRules, serviceMonitor } from './monitoring.ts';
import { commonLabels, imageTag } from './names.ts';
import { apiNetworkPolicy, jobsNetworkPolicy } from './network.ts';
import type { EnvSettings } from './settings.ts';

/** What the other generators produce; synth.ts passes their output, tests pass stand-ins. */
export interface MonitoringInputs {
  /** File name -> Prometheus rules YAML, as written to dist/prometheus. */
  ruleFiles: Record<string, string>;
  /** File name -> Grafana dashboard JSON model, as written to dist/grafana. */
  dashboards: Record<string, object>;
  /** Parsed alertmanager.yml; null leaves Alertmanager routing to the cluster. */
  alertmanager: AmSource | null;
}

export interface K8sModel {
  toJSON(): unknown;
  validate(): void;
}

/** One output file: its objects, in apply order. */
export interface ManifestFile {
  file: string;
  objects: K8sModel[];
}

export function manifestFiles(s: EnvSettings, inputs: MonitoringInputs, root: URL): ManifestFile[] {
  const cron = enabledCronJobs(s, { root });
  const jobComponents = [MIGRATE_COMPONENT, ...cron.defs.map((d) => d.component)];
  const files: ManifestFile[] = [
    {
      file: '00-namespace.yaml',
      objects: [
        new Namespace({
          metadata: {
            name: s.namespace,
            // Every pod here already meets the restricted Pod Security Standard; enforce it.
            labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
          },
        }),
      ],
    },
    {
      file: '10-api.yaml',
      objects: [
        apiServiceAccount(),
        ...(s.logsVolume ? [logsClaim(s.logsVolume)] : []),
        apiConfigMap(s),
        apiService(),
        // The release's migration (the Deployment's pods wait for it) and the policy of Job pods.
        jobsNetworkPolicy(s, jobComponents),
        migrateJob(s),
        apiDeployment(s),
        apiAutoscaler(s),
        apiDisruptionBudget(),
        apiNetworkPolicy(s),
        ...edgeObjects(s),
      ],
    },
    ...(cron.jobs.length ? [{ file: '20-cronjobs.yaml', objects: cron.jobs }] : []),
    {
      file: '30-monitoring.yaml',
      objects: [
        serviceMonitor(s),
        ...prometheusRules(s, inputs.ruleFiles),
        ...(inputs.alertmanager ? [alertmanagerConfig(inputs.alertmanager, s.prometheusSelectorLabels, s.alerting)] : []),
      ],
    },
    { file: '40-dashboards.yaml', objects: dashboardConfigMaps(s, inputs.dashboards) },
  ];
  return files.filter((f) => f.objects.length > 0);
}

function addObjects(scope: Construct, objects: K8sModel[]): void {
  objects.forEach((o, i) => {
    const json = o.toJSON() as { apiVersion: string; kind: string; metadata?: { name?: string } };
    new ApiObject(scope, `${json.kind}-${json.metadata?.name ?? i}`, json);
  });
}

/** Synthesizes every file to plain manifests (JSON objects), as cdk8s resolves them. */
export function synthManifests(s: EnvSettings, inputs: MonitoringInputs, root: URL): Record<string, object[]> {
  const app = new App({ outdir: 'dist/k8s' });
  const labels = commonLabels(s.env, imageTag(s.image));
  const out: Record<string, object[]> = {};
  for (const f of manifestFiles(s, inputs, root)) {
    // Cluster-scoped objects (the Namespace) must not get a default namespace.
    const namespace = f.file === '00-namespace.yaml' ? undefined : s.namespace;
    const chart = new Chart(app, f.file.replace(/\.yaml$/, ''), { namespace, labels });
    addObjects(chart, f.objects);
    out[f.file] = chart.toJson() as object[];
  }
  return out;
}
