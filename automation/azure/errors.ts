/**
 * Classification of Azure Resource Manager and Azure ML error payloads.
 *
 * Quota and capacity errors are the ones a batch run meets most often on
 * Azure, and they must never be retried blindly: waiting does not raise a
 * quota, and hammering an exhausted region only burns throttling budget. So
 * each error is sorted into a class that says whether another attempt can
 * help, and rendered as one readable paragraph that states the numbers Azure
 * gave (limit, usage, required) and what to try instead. Pure.
 */

/** What kind of failure an Azure error is. */
export type AzureErrorKind = "transient" | "quota" | "capacity" | "validation" | "unknown";

/** The parts of an error payload the classifier reads; every field optional. */
export interface AzureErrorInput {
    /** HTTP status of the response, when there was one. */
    readonly status?: number;
    /** ARM or AML error code, e.g. `OperationNotAllowed`, `OutOfQuota`. */
    readonly code?: string;
    /** The service's message. */
    readonly message?: string;
    /** Nested details (ARM `error.details`, AML `innerError`), searched too. */
    readonly details?: readonly AzureErrorInput[];
}

/** Numbers from a cores-quota error (`Current Limit: 10, Current Usage: 8, Additional Required: 4`). */
export interface QuotaNumbers {
    /** Quota family, e.g. `standardDSv5Family` or `LowPriorityCores`. */
    readonly family?: string;
    readonly location?: string;
    readonly limit?: number;
    readonly usage?: number;
    readonly required?: number;
    /** `(Minimum) New Limit Required`, when Azure states it. */
    readonly newLimit?: number;
}

export interface ClassifiedAzureError {
    readonly kind: AzureErrorKind;
    /** True only for `transient`: another attempt after a delay may succeed. */
    readonly retryable: boolean;
    /** The most specific error code found (nested details first). */
    readonly code?: string;
    readonly status?: number;
    /** One paragraph for people: what happened, the numbers, what to try. */
    readonly summary: string;
    /** Present for quota errors whose message carries the numbers. */
    readonly quota?: QuotaNumbers;
}

const TRANSIENT_CODES = new Set([
    "TooManyRequests",
    "SubscriptionRequestsThrottled",
    "TenantRequestsThrottled",
    "ResourceGroupRequestsThrottled",
    "InternalServerError",
    "ServiceUnavailable",
    "GatewayTimeout",
    "BadGateway",
    "RequestTimeout",
    "Conflict",
    "ConcurrentUpdate",
    "AnotherOperationInProgress",
    "OperationPreempted",
    "RetryableError",
]);
const QUOTA_CODES = new Set(["OutOfQuota", "QuotaExceeded", "InsufficientQuota"]);
const CAPACITY_CODES = new Set(["SkuNotAvailable", "AllocationFailed", "ZonalAllocationFailed", "OutOfCapacity"]);
const VALIDATION_CODES = new Set([
    "BadRequest",
    "InvalidParameter",
    "InvalidRequestContent",
    "InvalidRequestFormat",
    "InvalidTemplate",
    "InvalidResourceName",
    "ValidationError",
    "UserError",
    "MissingRequiredParameter",
    "NotFound",
    "ResourceNotFound",
    "ResourceGroupNotFound",
]);

/** `exceeding approved standardDSv5Family Cores quota` / `exceeding approved LowPriorityCores quota`. */
const QUOTA_FAMILY = /exceeding approved (\S+?)(?: Cores)? quota/i;
const QUOTA_TEXT = /exceed\w* (?:approved )?\S* ?(?:Cores )?quota|insufficient quota|OutOfQuota/i;

/** Flattens an input and its nested details, outermost first. */
function flatten(input: AzureErrorInput): AzureErrorInput[] {
    return [input, ...(input.details ?? []).flatMap(flatten)];
}

function numberAfter(label: string, text: string): number | undefined {
    const match = new RegExp(`${label}:\\s*(\\d+)`, "i").exec(text);
    return match ? Number(match[1]) : undefined;
}

/** The numbers a compute quota message states; undefined fields when it states none. Pure. */
export function parseQuotaNumbers(text: string): QuotaNumbers {
    const location = /Location:\s*([A-Za-z0-9]+)/.exec(text)?.[1];
    return {
        family: QUOTA_FAMILY.exec(text)?.[1],
        location,
        limit: numberAfter("Current Limit", text),
        usage: numberAfter("Current Usage", text),
        required: numberAfter("Additional Required", text),
        newLimit: numberAfter("New Limit Required", text),
    };
}

function quotaSummary(q: QuotaNumbers, message: string): string {
    const family = q.family ?? "the VM family's";
    const where = q.location ? ` in ${q.location}` : "";
    const numbers = [
        q.limit !== undefined ? `limit ${q.limit}` : undefined,
        q.usage !== undefined ? `in use ${q.usage}` : undefined,
        q.required !== undefined ? `this request needs ${q.required} more` : undefined,
        q.newLimit !== undefined ? `a limit of at least ${q.newLimit} would be needed` : undefined,
    ].filter((s): s is string => s !== undefined);
    const stated = numbers.length > 0 ? ` (${numbers.join(", ")})` : ` (${message.trim()})`;
    const spot = /lowpriority/i.test(family);
    const advice = spot
        ? "Spot (LowPriority) nodes count against the separate LowPriorityCores quota: request an increase of " +
          `LowPriorityCores${where} (portal: Quotas > Machine learning), or use Dedicated nodes.`
        : `Request a quota increase for ${family}${where} (portal: Quotas > Compute or Machine learning), ` +
          "pick a VM size from a family with free quota, lower maxNodes, or use LowPriority (Spot) nodes, " +
          "which count against LowPriorityCores instead.";
    return `Azure refused the request: it would exceed the ${family} cores quota${where}${stated}. ${advice} Retrying will not help until the quota changes.`;
}

function capacitySummary(code: string, message: string): string {
    const said = message.trim() ? ` Azure said: ${message.trim()}` : "";
    if (code === "SkuNotAvailable") {
        return `The VM size is not offered to this subscription in that region or zone (SkuNotAvailable). Choose another size, zone or region (az vm list-skus --location <region> --size <size> shows restrictions).${said}`;
    }
    const scope = code === "ZonalAllocationFailed" ? "zone" : "region";
    return `Azure has no capacity for the requested VM size in this ${scope} right now (${code}). Try another zone first, then another region or VM size, or retry later; Spot (LowPriority) capacity is scarcer than Dedicated.${said}`;
}

/**
 * Sorts an error payload into a class with a readable summary. Accepts an
 * ARM body (`{ error: { code, message, details } }`), its inner `error`
 * object, or fields collected by the caller. Pure.
 */
export function classifyAzureError(
    input: AzureErrorInput | { readonly error?: AzureErrorInput },
): ClassifiedAzureError {
    const wrapped = (input as { readonly error?: AzureErrorInput }).error;
    const root: AzureErrorInput =
        wrapped && typeof wrapped === "object" ? { ...wrapped, ...statusOf(input) } : (input as AzureErrorInput);
    const all = flatten(root);
    const codes = all.map((e) => e.code).filter((c): c is string => typeof c === "string" && c.length > 0);
    const text = all.map((e) => `${e.code ?? ""}: ${e.message ?? ""}`).join("\n");
    const status = root.status;
    const specific = codes[codes.length - 1] ?? root.code;
    const message = all.map((e) => e.message).find((m) => typeof m === "string" && m.length > 0) ?? "";

    // Quota before everything else: quota errors arrive as 400/403/409 with generic outer codes.
    const quotaCode = codes.find((c) => QUOTA_CODES.has(c));
    if (quotaCode || QUOTA_TEXT.test(text)) {
        const quota = parseQuotaNumbers(text);
        return {
            kind: "quota",
            retryable: false,
            code: quotaCode ?? specific,
            status,
            quota,
            summary: quotaSummary(quota, message),
        };
    }
    const capacityCode =
        codes.find((c) => CAPACITY_CODES.has(c)) ?? /\b(OutOfCapacity|AllocationFailed)\b/.exec(text)?.[1];
    if (capacityCode) {
        return {
            kind: "capacity",
            retryable: false,
            code: capacityCode,
            status,
            summary: capacitySummary(capacityCode, message),
        };
    }
    const transient =
        status === 408 ||
        status === 429 ||
        (status !== undefined && status >= 500 && status !== 501 && status !== 505) ||
        codes.some((c) => TRANSIENT_CODES.has(c));
    if (transient) {
        const why =
            status === 429 || codes.some((c) => /Throttled|TooManyRequests/.test(c))
                ? "throttled"
                : "a transient service error";
        return {
            kind: "transient",
            retryable: true,
            code: specific,
            status,
            summary: `Azure returned ${why}${status ? ` (HTTP ${status}${specific ? `, ${specific}` : ""})` : specific ? ` (${specific})` : ""}; another attempt after a delay may succeed.${message ? ` Azure said: ${message.trim()}` : ""}`,
        };
    }
    if (codes.some((c) => VALIDATION_CODES.has(c)) || status === 400 || status === 404 || status === 422) {
        return {
            kind: "validation",
            retryable: false,
            code: specific,
            status,
            summary: `Azure rejected the request as invalid${specific ? ` (${specific})` : ""}: ${message.trim() || "no message"}. Fix the input; retrying the same request will fail the same way.`,
        };
    }
    const auth =
        status === 401 || status === 403 || codes.some((c) => /Authorization|Authentication|Forbidden/.test(c));
    return {
        kind: "unknown",
        retryable: false,
        code: specific,
        status,
        summary: auth
            ? `Azure denied access${specific ? ` (${specific})` : ""}: ${message.trim() || "no message"}. Check the role assignments of the identity the driver runs as.`
            : `Azure returned an error${status ? ` (HTTP ${status})` : ""}${specific ? ` ${specific}` : ""}: ${message.trim() || "no message"}.`,
    };
}

function statusOf(input: object): { status?: number } {
    const status = (input as { status?: unknown }).status;
    return typeof status === "number" ? { status } : {};
}

/**
 * Quota and capacity refusals reach a run as provider text such as
 * `Code="OperationNotAllowed" Message="… Current Limit: 0, Current Usage: 0, Additional Required: 4"`;
 * they get the readable form (numbers and what to do) instead. Undefined for
 * any other error. Pure.
 */
export function azureLimitSummary(text: string): string | undefined {
    const code = /Code="?([A-Za-z]+)"?/.exec(text)?.[1];
    const classified = classifyAzureError({ code, message: text });
    return classified.kind === "quota" || classified.kind === "capacity" ? classified.summary : undefined;
}
