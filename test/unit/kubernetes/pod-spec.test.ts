import * as assert from "node:assert/strict";
import {
    imageIssues,
    isLabelKey,
    parseImageReference,
    parseQuantity,
    placementIssues,
    requestLimitIssues,
    restrictedContainerSecurityContext,
    restrictedPodSecurityContext,
    rfc1035LabelIssues,
    rfc1123LabelIssues,
} from "../../../components/kubernetes/pod-spec";

describe("kubernetes pod-spec helpers", () => {
    it("reads Kubernetes quantities in every suffix, and refuses what the API server would", () => {
        assert.equal(parseQuantity("500m"), 0.5);
        assert.equal(parseQuantity("2"), 2);
        assert.equal(parseQuantity("1.5Gi"), 1.5 * 2 ** 30);
        assert.equal(parseQuantity("512Mi"), 512 * 2 ** 20);
        assert.equal(parseQuantity("1G"), 1e9);
        assert.equal(parseQuantity("1e3"), 1000);
        assert.equal(parseQuantity(".5"), 0.5);
        for (const bad of ["", "-1", "1 Gi", "1gb", "one", "1.2.3", "Gi"]) {
            assert.equal(parseQuantity(bad), undefined, bad);
        }
    });

    it("requires a request at most its limit, naming the request and the limit", () => {
        const at = (request: string, limit: string) =>
            requestLimitIssues("cpu", { field: "cpuRequest", value: request }, { field: "cpuLimit", value: limit });
        assert.deepEqual(at("500m", "2"), []);
        assert.deepEqual(at("2", "2000m"), [], "equal in other units");
        assert.deepEqual(at("3", "2"), [{ field: "cpuRequest", rule: "at most the cpu limit (2)", value: "3" }]);
        assert.deepEqual(
            at("0", "lots").map((i) => i.field),
            ["cpuRequest", "cpuLimit"],
        );
    });

    it("accepts image references pinned by tag or digest, and names the rule otherwise", () => {
        for (const ok of [
            "crscoredev.azurecr.io/customai-http-score:1.0.0",
            "localhost:5000/team/scorer:v2",
            "python:3.12.12-slim-bookworm",
            `nvcr.io/nvidia/k8s-device-plugin@sha256:${"a".repeat(64)}`,
        ]) {
            assert.deepEqual(imageIssues("image", ok), [], ok);
        }
        assert.deepEqual(parseImageReference("reg.io/a/b:1@sha256:" + "0".repeat(64)), {
            tag: "1",
            digest: `sha256:${"0".repeat(64)}`,
        });
        assert.match(imageIssues("image", "crscoredev.azurecr.io/scorer")[0].rule, /pinned by a tag other than latest/);
        assert.match(imageIssues("image", "scorer:latest")[0].rule, /pinned/);
        assert.match(imageIssues("image", "Registry.io/Scorer:1")[0].rule, /lowercase/);
        assert.match(imageIssues("image", "scorer:")[0].rule, /image reference/);
    });

    it("checks object names as RFC 1123 and RFC 1035 labels", () => {
        assert.deepEqual(rfc1123LabelIssues("namespace", "0scoring"), []);
        assert.equal(rfc1123LabelIssues("namespace", "Scoring").length, 1);
        assert.equal(rfc1035LabelIssues("serviceName", "0scoring").length, 1, "a Service name starts with a letter");
        assert.equal(rfc1035LabelIssues("serviceName", "a".repeat(51), 50).length, 1);
        assert.deepEqual(rfc1035LabelIssues("serviceName", "churn-scorer"), []);
    });

    it("checks tolerations and node selectors as the API server does", () => {
        assert.deepEqual(
            placementIssues({
                tolerations: [
                    { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
                    { operator: "Exists" },
                ],
                nodeSelector: { "kubernetes.azure.com/agentpool": "gpu" },
            }),
            [],
        );
        const issues = placementIssues(
            {
                tolerations: [
                    { key: "sku", operator: "Exists", value: "gpu" },
                    { operator: "Equal", value: "x" },
                ],
                nodeSelector: { "bad key!": "gpu" },
            },
            "placement.",
        );
        assert.deepEqual(
            issues.map((i) => [i.field, i.rule]),
            [
                ["placement.tolerations[0]", 'no value with operator "Exists"'],
                ["placement.tolerations[1]", 'a key, unless operator is "Exists"'],
                ["placement.nodeSelector.bad key!", "a Kubernetes label key ([prefix/]name)"],
            ],
        );
        assert.ok(isLabelKey("kubernetes.azure.com/scalesetpriority"));
        assert.ok(!isLabelKey("/name"));
    });

    it("builds the restricted profile's security context: non-root, no escalation, no capabilities, read-only root", () => {
        assert.deepEqual(restrictedPodSecurityContext(10001), {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            seccompProfile: { type: "RuntimeDefault" },
        });
        const c = restrictedContainerSecurityContext(10001);
        assert.equal(c.allowPrivilegeEscalation, false);
        assert.equal(c.readOnlyRootFilesystem, true);
        assert.deepEqual(c.capabilities, { drop: ["ALL"] });
        assert.equal(c.runAsNonRoot, true);
    });
});
