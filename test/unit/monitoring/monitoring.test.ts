import * as assert from "node:assert/strict";
import { DEFAULT_RETENTION_DAYS, Monitoring, validateMonitoringArgs } from "../../../components/monitoring/monitoring";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, isSecret, settle, useMocks, valueOf } from "../../harness/mocks";

const LAW = "azure-native:operationalinsights:Workspace";
const APPI = "azure-native:applicationinsights:Component";

describe("Monitoring under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("defaults to a pay-as-you-go Log Analytics workspace with a workspace-based App Insights on it", async () => {
        // GIVEN only the required args
        const mon = new Monitoring("ops", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            location: "westeurope",
            tags: { team: "ai" },
        });
        await settle(recorder);

        // THEN Log Analytics keeps 30 days, has no cap and is reachable
        const law = recorder.one(LAW);
        assert.deepEqual(law.inputs.sku, { name: "PerGB2018" });
        assert.equal(law.inputs.retentionInDays, 30);
        assert.equal(DEFAULT_RETENTION_DAYS, 30);
        assert.ok(!("workspaceCapping" in law.inputs), "no daily cap unless asked");
        assert.equal(law.inputs.publicNetworkAccessForIngestion, "Enabled");
        assert.equal(law.inputs.publicNetworkAccessForQuery, "Enabled");
        assert.match(law.inputs.workspaceName, /^log-ops-[a-z0-9]{6}$/);
        assert.equal(law.inputs.location, "westeurope");
        assert.deepEqual(law.inputs.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });

        // AND App Insights is workspace-based, linked to that workspace
        const appi = recorder.one(APPI).inputs;
        assert.equal(appi.kind, "web");
        assert.equal(appi.applicationType, "web");
        assert.equal(appi.ingestionMode, "LogAnalytics");
        assert.equal(appi.workspaceResourceId, law.id);
        assert.equal(appi.disableLocalAuth, false);
        assert.equal(appi.publicNetworkAccessForIngestion, "Enabled");
        assert.equal(appi.publicNetworkAccessForQuery, "Enabled");
        assert.match(appi.resourceName, /^appi-ops-[a-z0-9]{6}$/);
        assert.deepEqual(appi.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });

        // AND the outputs point at both, with the connection string kept secret
        assert.equal(await valueOf(mon.logAnalyticsWorkspaceId), law.id);
        assert.equal(await valueOf(mon.appInsightsId), recorder.one(APPI).id);
        assert.equal(await isSecret(mon.appInsightsConnectionString), true);
        assert.equal(await valueOf(mon.appInsightsConnectionString), `InstrumentationKey=mock-${appi.resourceName}`);
    });

    it("applies retention, a daily cap, Entra-only ingestion and closed endpoints when asked", async () => {
        // GIVEN every option set
        new Monitoring("iso", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            retentionDays: 90,
            dailyQuotaGb: 0.5,
            disableLocalAuth: true,
            networkIsolation: true,
            workspaceName: "log-iso-01",
            appInsightsName: "appi-iso-01",
        });
        await settle(recorder);

        // THEN each reaches its resource
        const law = recorder.one(LAW).inputs;
        assert.equal(law.retentionInDays, 90);
        assert.deepEqual(law.workspaceCapping, { dailyQuotaGb: 0.5 });
        assert.equal(law.publicNetworkAccessForIngestion, "Disabled");
        assert.equal(law.publicNetworkAccessForQuery, "Disabled");
        assert.equal(law.workspaceName, "log-iso-01");
        const appi = recorder.one(APPI).inputs;
        assert.equal(appi.disableLocalAuth, true);
        assert.equal(appi.publicNetworkAccessForIngestion, "Disabled");
        assert.equal(appi.publicNetworkAccessForQuery, "Disabled");
        assert.equal(appi.resourceName, "appi-iso-01");
    });

    it("makes no invokes and no other resources", async () => {
        new Monitoring("plain", { resourceGroupName: MOCK_RESOURCE_GROUP });
        await settle(recorder);
        assert.deepEqual(recorder.calls, []);
        assert.deepEqual(recorder.resources.map((r) => r.type).sort(), [APPI, LAW, "customai:monitoring:Monitoring"]);
    });

    it("rejects bad args before creating anything, naming every field", () => {
        assert.throws(
            () =>
                new Monitoring("bad", {
                    resourceGroupName: MOCK_RESOURCE_GROUP,
                    workspaceName: "log_ops",
                    appInsightsName: "appi/ops",
                    retentionDays: 7,
                    dailyQuotaGb: 0,
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, ["workspaceName", "appInsightsName", "retentionDays", "dailyQuotaGb"]);
                assert.equal(err.issues[2].rule, "an integer from 30 to 730");
                assert.equal(err.issues[3].rule, "a positive number of GB");
                return true;
            },
        );
        assert.equal(recorder.count(LAW), 0);
        assert.equal(recorder.count(APPI), 0);
    });

    const retentions: [number, boolean][] = [
        [30, true],
        [730, true],
        [29, false],
        [731, false],
        [60.5, false],
    ];
    for (const [days, ok] of retentions) {
        it(`${ok ? "accepts" : "rejects"} retentionDays ${days}`, () => {
            const run = () => validateMonitoringArgs({ retentionDays: days });
            if (ok) assert.doesNotThrow(run);
            else
                assert.throws(
                    run,
                    (err: unknown) => err instanceof ValidationError && err.fields[0] === "retentionDays",
                );
        });
    }

    it("rejects a negative daily cap", () => {
        assert.throws(
            () => validateMonitoringArgs({ dailyQuotaGb: -1 }),
            (err: unknown) => err instanceof ValidationError && err.fields.join() === "dailyQuotaGb",
        );
    });
});
