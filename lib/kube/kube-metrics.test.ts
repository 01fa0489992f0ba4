import { describe, expect, it } from "vitest";
import { registry } from "@/lib/metrics";
import { recordKubeCall } from "./kube-metrics";

describe("Kubernetes API metrics", () => {
  it("records latency by status class and counts failures by code", async () => {
    recordKubeCall({ target: "kubeconfig", method: "GET", status: 200, seconds: 0.02 });
    recordKubeCall({ target: "kubeconfig", method: "GET", status: 403, seconds: 0.01 });
    recordKubeCall({ target: "sandbox", method: "POST", error: "PYSTOL_ADDRESS_REFUSED", seconds: 0.001 });
    const text = await registry.metrics();
    expect(text).toMatch(
      /pystol_kube_request_duration_seconds_count\{target="kubeconfig",method="GET",status="2xx"\} 1/,
    );
    expect(text).toMatch(/pystol_kube_request_errors_total\{target="kubeconfig",code="403"\} 1/);
    expect(text).toMatch(
      /pystol_kube_request_errors_total\{target="sandbox",code="PYSTOL_ADDRESS_REFUSED"\} 1/,
    );
  });
});
