/**
 * Workload identity on AKS, the pure part: which Kubernetes service account a
 * federated identity credential trusts, and the names and values Entra
 * expects ("Deploy and configure workload identity on AKS",
 * https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster;
 * "Important considerations and restrictions for federated identity
 * credentials", https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations).
 */
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../common/validation";

/** The audience of the service account tokens Entra exchanges: the value Entra recommends and AKS's webhook requests. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

/**
 * The service account of the AKS KEDA add-on's operator, which a federated
 * credential must trust for KEDA scalers that authenticate with workload
 * identity ("Kubernetes Event-driven Autoscaling (KEDA) add-on": the operator
 * runs in `kube-system` as `keda-operator`; https://learn.microsoft.com/azure/aks/keda-workload-identity).
 */
export const KEDA_OPERATOR_SERVICE_ACCOUNT = { namespace: "kube-system", serviceAccount: "keda-operator" } as const;

/** A federated credential for one service account of the cluster. */
export interface FederatedCredentialSpec {
    /** Required. ARM id of the user-assigned identity, e.g. a WorkloadIdentity's `identityId`. */
    readonly identityId: pulumi.Input<string>;
    /** Required. Namespace of the service account. */
    readonly namespace: string;
    /** Required. Name of the service account. */
    readonly serviceAccount: string;
    /** Optional. Name of the credential (3-120 letters, digits, '-', '_'). @default - `<component>-<label>` */
    readonly credentialName?: string;
}

/** The token subject of a Kubernetes service account, what the credential trusts. Pure. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/**
 * `name` as a federated credential name: 3-120 letters, digits, '-' and '_',
 * starting with a letter or digit. Other characters become '-'. Pure.
 */
export function federatedCredentialName(name: string): string {
    const cleaned = name
        .replace(/[^A-Za-z0-9_-]/g, "-")
        .replace(/^[^A-Za-z0-9]+/, "")
        .slice(0, 120);
    return cleaned.length >= 3 ? cleaned : `fic-${cleaned}`.slice(0, 120);
}

/** The resource group and name of a user-assigned identity, from its ARM id. Pure. */
export function identityOfId(id: string): { resourceGroupName: string; identityName: string } {
    const match =
        /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(
            id,
        );
    if (!match) {
        throw new ValidationError([
            { field: "identityId", rule: "the ARM id of a user-assigned managed identity", value: id },
        ]);
    }
    return { resourceGroupName: match[1], identityName: match[2] };
}
