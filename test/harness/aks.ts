/** What AKS answers the programs of the Kubernetes paths under mocks. */
import { AKS_EXEC_KUBECONFIG } from "../unit/aks/fixtures";
import { MockRecorder } from "./mocks";

export const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
export const OIDC_ISSUER = "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-0000000000aa/issuer/";

/**
 * The cluster's computed outputs (OIDC issuer, kubelet identity, node
 * resource group) and its user kubeconfig, in the exec format AKS returns.
 */
export function mockAksCluster(recorder: MockRecorder): void {
    recorder.outputsFor(MANAGED_CLUSTER, () => ({
        oidcIssuerProfile: { issuerURL: OIDC_ISSUER },
        identityProfile: { kubeletidentity: { objectId: "kubelet-object-id", clientId: "kubelet-client-id" } },
        nodeResourceGroup: "MC_rg_aks_westeurope",
    }));
    recorder.onCall("azure-native:containerservice:listManagedClusterUserCredentials", () => ({
        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(AKS_EXEC_KUBECONFIG).toString("base64") }],
    }));
}
