import * as assert from "node:assert/strict";
import {
    AzureErrorInput,
    AzureErrorKind,
    classifyAzureError,
    parseQuotaNumbers,
} from "../../../automation/azure/errors";

interface Case {
    readonly name: string;
    readonly input: AzureErrorInput | { readonly error: AzureErrorInput; readonly status?: number };
    readonly kind: AzureErrorKind;
    readonly code?: string;
    /** Every pattern must appear in the summary. */
    readonly says: readonly RegExp[];
}

const DEDICATED_QUOTA =
    "Operation could not be completed as it results in exceeding approved standardNCASv3_T4Family Cores quota. " +
    "Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 8, Current Usage: 4, " +
    "Additional Required: 8, (Minimum) New Limit Required: 12. Submit a request for Quota increase at " +
    "https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView by specifying parameters " +
    "listed in the 'Details' section for deployment to succeed.";
const SPOT_QUOTA =
    "Operation could not be completed as it results in exceeding approved LowPriorityCores quota. Additional details - " +
    "Deployment Model: Resource Manager, Location: westeurope, Current Limit: 0, Current Usage: 0, Additional Required: 16, " +
    "(Minimum) New Limit Required: 16.";

const CASES: readonly Case[] = [
    {
        name: "compute cores quota (OperationNotAllowed) with its numbers",
        input: { status: 409, error: { code: "OperationNotAllowed", message: DEDICATED_QUOTA } },
        kind: "quota",
        code: "OperationNotAllowed",
        says: [
            /standardNCASv3_T4Family cores quota in eastus/,
            /limit 8, in use 4, this request needs 8 more, a limit of at least 12/,
            /Request a quota increase for standardNCASv3_T4Family in eastus/,
            /LowPriorityCores instead/,
            /Retrying will not help/,
        ],
    },
    {
        name: "Spot quota points at LowPriorityCores",
        input: { error: { code: "OperationNotAllowed", message: SPOT_QUOTA } },
        kind: "quota",
        says: [
            /LowPriorityCores cores quota in westeurope/,
            /limit 0, in use 0, this request needs 16 more/,
            /or use Dedicated nodes/,
        ],
    },
    {
        name: "quota nested in ARM deployment details",
        input: {
            error: {
                code: "DeploymentFailed",
                message: "At least one resource deployment operation failed.",
                details: [{ code: "OperationNotAllowed", message: DEDICATED_QUOTA }],
            },
        },
        kind: "quota",
        code: "OperationNotAllowed",
        says: [/limit 8, in use 4/],
    },
    {
        name: "Azure ML OutOfQuota on cluster resize",
        input: {
            code: "OutOfQuota",
            message:
                "Compute resize failed: the requested 4 nodes of Standard_D4s_v5 need 16 cores, but the workspace " +
                "region's quota for standardDSv5Family is exhausted.",
        },
        kind: "quota",
        code: "OutOfQuota",
        says: [/quota/, /Request a quota increase/],
    },
    {
        name: "SkuNotAvailable suggests another size, zone or region",
        input: {
            status: 409,
            error: {
                code: "SkuNotAvailable",
                message:
                    "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: " +
                    "Standard_NC24ads_A100_v4' is currently not available in location 'westeurope'. Please try another " +
                    "size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.",
            },
        },
        kind: "capacity",
        code: "SkuNotAvailable",
        says: [/not offered to this subscription/, /another size, zone or region/, /Standard_NC24ads_A100_v4/],
    },
    {
        name: "AllocationFailed",
        input: {
            error: {
                code: "AllocationFailed",
                message:
                    "Allocation failed. We do not have sufficient capacity for the requested VM size in this region. " +
                    "Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance",
            },
        },
        kind: "capacity",
        code: "AllocationFailed",
        says: [/no capacity .* in this region/, /another zone first, then another region or VM size/],
    },
    {
        name: "ZonalAllocationFailed",
        input: {
            error: {
                code: "ZonalAllocationFailed",
                message:
                    "Allocation failed. We do not have sufficient capacity for the requested VM size in this zone. " +
                    "Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance",
            },
        },
        kind: "capacity",
        code: "ZonalAllocationFailed",
        says: [/in this zone right now \(ZonalAllocationFailed\)/],
    },
    {
        name: "Azure ML OutOfCapacity in a resize error text",
        input: {
            code: "ComputeResizeError",
            message:
                "Resize error: code: OutOfCapacity, message: Unable to allocate the requested LowPriority nodes " +
                "due to insufficient capacity in region eastus.",
        },
        kind: "capacity",
        code: "OutOfCapacity",
        says: [/OutOfCapacity/, /Spot \(LowPriority\) capacity is scarcer/],
    },
    {
        name: "429 throttling",
        input: {
            status: 429,
            error: {
                code: "SubscriptionRequestsThrottled",
                message: "Number of 'read' requests for subscription exceeded the limit of '250' for time interval.",
            },
        },
        kind: "transient",
        says: [/throttled \(HTTP 429, SubscriptionRequestsThrottled\)/, /another attempt after a delay/],
    },
    {
        name: "503 ServiceUnavailable",
        input: {
            status: 503,
            error: { code: "ServiceUnavailable", message: "The service is temporarily unavailable." },
        },
        kind: "transient",
        says: [/transient service error \(HTTP 503/],
    },
    {
        name: "409 ConcurrentUpdate",
        input: {
            status: 409,
            error: { code: "ConcurrentUpdate", message: "Another operation is being performed on the cluster." },
        },
        kind: "transient",
        says: [/ConcurrentUpdate/],
    },
    {
        name: "400 InvalidParameter",
        input: {
            status: 400,
            error: { code: "InvalidParameter", message: "The value of parameter vmSize is invalid.", details: [] },
        },
        kind: "validation",
        code: "InvalidParameter",
        says: [/rejected the request as invalid \(InvalidParameter\): The value of parameter vmSize is invalid/],
    },
    {
        name: "Azure ML UserError on a job",
        input: { code: "UserError", message: "Input path azureml://datastores/x/paths/y does not exist." },
        kind: "validation",
        says: [/does not exist/],
    },
    {
        name: "403 AuthorizationFailed",
        input: {
            status: 403,
            error: {
                code: "AuthorizationFailed",
                message:
                    "The client 'x' does not have authorization to perform action " +
                    "'Microsoft.MachineLearningServices/workspaces/jobs/write'.",
            },
        },
        kind: "unknown",
        says: [/denied access \(AuthorizationFailed\)/, /role assignments/],
    },
    {
        name: "something unheard of",
        input: { status: 418, error: { code: "Teapot", message: "short and stout" } },
        kind: "unknown",
        says: [/HTTP 418\) Teapot: short and stout/],
    },
];

describe("Azure error classification", () => {
    for (const c of CASES) {
        it(`${c.kind}: ${c.name}`, () => {
            const result = classifyAzureError(c.input);
            assert.equal(result.kind, c.kind, result.summary);
            assert.equal(result.retryable, c.kind === "transient");
            if (c.code) assert.equal(result.code, c.code);
            for (const pattern of c.says) assert.match(result.summary, pattern);
        });
    }

    it("reads every quota number, and none from an unrelated text", () => {
        assert.deepEqual(parseQuotaNumbers(DEDICATED_QUOTA), {
            family: "standardNCASv3_T4Family",
            location: "eastus",
            limit: 8,
            usage: 4,
            required: 8,
            newLimit: 12,
        });
        assert.deepEqual(parseQuotaNumbers("nothing here"), {
            family: undefined,
            location: undefined,
            limit: undefined,
            usage: undefined,
            required: undefined,
            newLimit: undefined,
        });
    });

    it("keeps the status of a wrapped body", () => {
        assert.equal(classifyAzureError({ status: 502, error: { code: "BadGateway" } }).status, 502);
    });
});
