/**
 * ScoringService: a real-time scoring server on Kubernetes. A Deployment of
 * the scoring image (GPU limit, requests and limits, probes, a restricted
 * security context), a Service in front of it (cluster-only, an internal or a
 * public load balancer), a HorizontalPodAutoscaler on CPU use, and a
 * PodDisruptionBudget that lets node drains proceed one pod at a time.
 *
 * It creates no namespace (the caller owns it) and no Azure resource, so it
 * runs against any Kubernetes API server; the `Internal` exposure's
 * annotation only means something on AKS.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../common/validation";
import { imageIssues } from "./pod-spec";
import {
    LoadBalancerIngress,
    ResolvedScoringServiceArgs,
    ScoringServiceSettings,
    scoringAutoscaler,
    scoringDeployment,
    scoringDisruptionBudget,
    scoringService,
    scoringUrl,
    validateScoringServiceArgs,
} from "./scoring-service-args";

export interface ScoringServiceArgs extends ScoringServiceSettings {
    /** Required. The cluster's provider; the ambient kubeconfig is never used. */
    readonly provider: k8s.Provider;
    /** Required. Namespace of every object; it must exist (pass the Namespace's name to wait for it). */
    readonly namespace: pulumi.Input<string>;
}

export class ScoringService extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    readonly disruptionBudget: k8s.policy.v1.PodDisruptionBudget;
    /** The Service's name (also the Deployment's). */
    readonly serviceName: pulumi.Output<string>;
    /** `http://<address>[:port]/score`: the load balancer's address, or the cluster DNS name. */
    readonly scoringUrl: pulumi.Output<string>;
    /** The settings as applied, defaults included. */
    readonly settings: ResolvedScoringServiceArgs;

    constructor(name: string, args: ScoringServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:kubernetes:ScoringService", name, {}, opts);
        const known = typeof args.namespace === "string" ? args.namespace : undefined;
        const checked = validateScoringServiceArgs(args, name, known);
        // An image only known at deployment (a registry's login server) is checked once it is.
        const r =
            typeof checked.image === "string"
                ? checked
                : {
                      ...checked,
                      image: pulumi.output(checked.image).apply((image) => {
                          const issues = imageIssues("image", image);
                          if (issues.length > 0) throw new ValidationError(issues, "ScoringService");
                          return image;
                      }),
                  };
        this.settings = r;
        const child = { parent: this, provider: args.provider };

        const ns = args.namespace;
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, scoringDeployment(r, ns), {
            ...child,
            // A GPU pool at zero nodes must first add one; Pulumi's default 10 minutes is too short for that.
            customTimeouts: { create: `${r.readyTimeoutMinutes}m`, update: `${r.readyTimeoutMinutes}m` },
        });
        this.service = new k8s.core.v1.Service(
            `${name}-service`,
            scoringService(r, ns),
            // The Service waits for ready endpoints, so it waits as long as the pods may take.
            { ...child, customTimeouts: { create: `${r.readyTimeoutMinutes}m`, update: `${r.readyTimeoutMinutes}m` } },
        );
        this.autoscaler = new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, scoringAutoscaler(r, ns), {
            ...child,
            dependsOn: [this.deployment],
        });
        this.disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            scoringDisruptionBudget(r, ns),
            child,
        );

        this.serviceName = this.service.metadata.name;
        this.scoringUrl = pulumi
            .all([this.service.metadata.namespace, this.service.status])
            .apply(([n, status]) =>
                scoringUrl(r, n, status?.loadBalancer?.ingress as LoadBalancerIngress[] | undefined),
            );
        this.registerOutputs({ serviceName: this.serviceName, scoringUrl: this.scoringUrl });
    }
}
