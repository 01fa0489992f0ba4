/**
 * Where the sandbox still answers the reference (reference/kube-apiserver-v1.26) differently, each
 * with the reason. The differential test fails on a difference not listed here and on a listed
 * one that no longer differs: remove an entry when its difference is gone.
 */

/** Fields that differ in the shape of many answers alike, by field name (a path's last part). */
export const KNOWN_FIELD_DIFFERENCES: Record<string, string> = {
  managedFields:
    "Objects the sandbox's controllers create or update (a ReplicaSet's pods, status written by the deployment, namespace and disruption controllers) carry no managedFields entries of kube-controller-manager or the kubelet: they would cost about a kilobyte per pod (100 MB at the benchmark's 100,000 pods). Writes through the API record theirs as upstream.",
  subresource:
    "The managedFields entries with subresource \"status\" are those of the controllers' and the kubelet's status writes, which the sandbox's controllers do not record (see managedFields).",
  hostIPs: "The sandbox reports Kubernetes v1.30, whose pods have status.hostIPs (1.28 and later); the reference is v1.26.",
};

/** Steps that differ, by step name. */
export const KNOWN_DIFFERENCES: Record<string, string> = {
  "00-openapi-v2-head": "The reference recorded this HEAD with its headers as the body and text/plain; the sandbox answers the HEAD of the protobuf document it serves.",
  "21-smp": "Timing: the sandbox's deployment controller has written the rollout's status and revision; the reference's had not yet.",
  "21-smp-delete-directive": "Timing: the sandbox's deployment controller has written replicas and availability into status; the reference's had only written its conditions.",
  "22-merge": "Timing: the sandbox's deployment controller has written replicas and availability into status; the reference's had only written its conditions.",
  "22-merge-list-replace": "Timing: the sandbox's deployment controller has written replicas and availability into status; the reference's had only written its conditions.",
  "23-jsonpatch": "Timing: the sandbox's deployment controller has written replicas and availability into status; the reference's had only written its conditions.",
  "75-fs-events-involved": "Events are recorded in the core/v1 style kubelets use (count, first and last timestamps); the reference's controllers wrote events.k8s.io/v1 ones (eventTime, action).",
  "165-events": "Events are recorded in the core/v1 style kubelets use (count, first and last timestamps); the reference's controllers wrote events.k8s.io/v1 ones (eventTime, action).",
  "92-accept-protobuf": "The sandbox encodes no protobuf responses: it answers JSON, which every client that sends this Accept (client-go, kubectl) also accepts.",
  "140-log": "The reference had no kubelet, so its logs answer 500; the sandbox simulates containers' logs.",
  "192-ns-get-terminating": "Timing: the sandbox's namespace controller has set the deletion conditions; the reference's had not yet.",
  "194-ns-delete-again": "Timing: the sandbox's namespace controller has set the deletion conditions; the reference's had not yet.",
};
