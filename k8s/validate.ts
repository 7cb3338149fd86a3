/**
 * Schema validation of plain manifests (as written to dist/k8s) with the JSON schemas the model
 * packages ship: the Kubernetes OpenAPI of kubernetes-models 5.1, the monitoring.coreos.com CRDs
 * of prometheus-operator v0.90.1 (@kubernetes-models/prometheus-operator 5.0), Gateway API
 * (@kubernetes-models/gateway-api 2.0) and cert-manager (@kubernetes-models/cert-manager 6.0).
 */
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { ReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

export const SCHEMA_VERSIONS = { kubernetesModels: '5.1', prometheusOperator: '0.90.1', gatewayApiModels: '2.0', certManagerModels: '6.0' } as const;

interface Validatable {
  validate(): void;
}
type ModelCtor = new (data: never) => Validatable;

const MODELS: Record<string, ModelCtor> = {};
for (const m of [
  AlertmanagerConfig,
  PrometheusRule,
  ServiceMonitor,
  Certificate,
  HTTPRoute,
  ReferenceGrant,
  Deployment,
  HorizontalPodAutoscaler,
  CronJob,
  Job,
  Ingress,
  NetworkPolicy,
  PodDisruptionBudget,
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
] as const) {
  const probe = new (m as unknown as new (d?: object) => { apiVersion: string; kind: string })();
  MODELS[`${probe.apiVersion}/${probe.kind}`] = m as unknown as ModelCtor;
}

export function knownKinds(): string[] {
  return Object.keys(MODELS).sort();
}

/** Throws with the schema errors of `manifest`, or when its kind has no schema here. */
export function validateManifest(manifest: { apiVersion?: unknown; kind?: unknown }): void {
  const key = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`No schema for ${key}`);
  new Model(structuredClone(manifest) as never).validate();
}
