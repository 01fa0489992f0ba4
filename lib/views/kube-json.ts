// The few fields of Kubernetes objects the cluster views read, as they come in raw JSON
// (client-node's generated types would cost a deserialisation pass over every pod).

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  deletionTimestamp?: string;
}

export interface ListJson<T> {
  items: T[];
  metadata?: { continue?: string; remainingItemCount?: number; resourceVersion?: string };
}

export interface ContainerJson {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface PodJson {
  metadata: Meta;
  spec?: { nodeName?: string; containers?: ContainerJson[] };
  status?: {
    phase?: string;
    reason?: string;
    containerStatuses?: {
      name: string;
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
    }[];
  };
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface NodeJson {
  metadata: Meta;
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: { allocatable?: Record<string, string>; conditions?: Condition[]; nodeInfo?: { kubeletVersion?: string } };
}

export interface NamespaceJson {
  metadata: Meta;
  status?: { phase?: string };
}

export interface EventJson {
  metadata: Meta;
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; namespace?: string; name?: string };
  source?: { component?: string };
}

export interface UsageJson {
  metadata: Meta;
  usage?: { cpu?: string; memory?: string };
}
