/** What AKS answers the AKS component and the programs of the Kubernetes paths under mocks. */
import { MockRecorder } from "./mocks";

/** The AKS Entra server application kubelogin asks tokens for. */
export const SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
export const TENANT = "00000000-0000-0000-0000-0000000000aa";

/** The shape of the user kubeconfig AKS returns with format=exec (a kubelogin device code login). */
export const AKS_EXEC_KUBECONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0EtREFUQQ==
    server: https://aks-score-dev-abc123.hcp.westeurope.azmk8s.io:443
  name: aks-score-dev
contexts:
- context:
    cluster: aks-score-dev
    user: clusterUser_rg-score-dev_aks-score-dev
  name: aks-score-dev
current-context: aks-score-dev
kind: Config
preferences: {}
users:
- name: clusterUser_rg-score-dev_aks-score-dev
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - ${SERVER_ID}
      - --client-id
      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a
      - --tenant-id
      - ${TENANT}
      - --login
      - devicecode
      command: kubelogin
      env: null
      installHint: |2

        kubelogin is not installed which is required to connect to AAD enabled cluster.
      provideClusterInfo: false
`;

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
