import * as assert from "node:assert/strict";
import { BlobFilesState, blobFilesProvider } from "../../../components/storage/blob-files";

describe("BlobFiles replacement order", () => {
    const state = (prefix: string, sha256: string): BlobFilesState => ({
        blobEndpoint: "https://st.blob.core.windows.net/",
        container: "c",
        prefix,
        files: { "code/score.py": { path: "/x/score.py", sha256 } },
    });
    const provider = blobFilesProvider(async () => "t");

    it("replaces a changed upload into the same folder by deleting the old blobs first (their names repeat)", async () => {
        const diff = await provider.diff!("id", state("runs/a", "1"), state("runs/a", "2"));
        assert.deepEqual(diff, { changes: true, replaces: ["files"], deleteBeforeReplace: true });
    });

    it("uploads into a new folder before the old blobs go, so what still reads them keeps them until replaced", async () => {
        const diff = await provider.diff!("id", state("assets/code/v1", "1"), state("assets/code/v2", "2"));
        assert.deepEqual(diff, { changes: true, replaces: ["files"], deleteBeforeReplace: false });
    });

    it("changes nothing for the same files", async () => {
        const diff = await provider.diff!("id", state("runs/a", "1"), state("runs/a", "1"));
        assert.equal(diff.changes, false);
    });
});
