import * as assert from "node:assert/strict";
import { containerInsightsRuleName } from "../../../components/aks/container-insights";
import {
    KEDA_OPERATOR_SERVICE_ACCOUNT,
    federatedCredentialName,
    identityOfId,
    serviceAccountSubject,
} from "../../../components/aks/workload-identity";
import { ValidationError } from "../../../components/common/validation";

describe("AKS workload identity and Container Insights (pure)", () => {
    it("trusts a service account by the subject Kubernetes puts in its tokens", () => {
        assert.equal(serviceAccountSubject("scoring", "consumer"), "system:serviceaccount:scoring:consumer");
        const { namespace, serviceAccount } = KEDA_OPERATOR_SERVICE_ACCOUNT;
        assert.equal(
            serviceAccountSubject(namespace, serviceAccount),
            "system:serviceaccount:kube-system:keda-operator",
        );
    });

    it("makes credential names Entra accepts: 3-120 letters, digits, '-' and '_', starting with a letter or digit", () => {
        assert.equal(federatedCredentialName("events-keda"), "events-keda");
        assert.equal(federatedCredentialName("_a.b"), "a-b", "a leading '_' goes, '.' becomes '-'");
        assert.equal(federatedCredentialName("ab"), "fic-ab");
        assert.equal(federatedCredentialName("x".repeat(200)).length, 120);
    });

    it("reads the resource group and name of a user-assigned identity from its id", () => {
        assert.deepEqual(
            identityOfId(
                "/subscriptions/s/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a",
            ),
            { resourceGroupName: "rg-ids", identityName: "id-a" },
        );
        assert.throws(
            () => identityOfId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"),
            (err: unknown) => err instanceof ValidationError && err.fields.join() === "identityId",
        );
    });

    it("names the data collection rule like the CLI, within 64 characters", () => {
        assert.equal(containerInsightsRuleName("aks-score"), "MSCI-aks-score");
        assert.equal(containerInsightsRuleName("a".repeat(63)).length, 64);
    });
});
