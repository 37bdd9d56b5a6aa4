import Foundation
import Logging
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

/// `ttsarchive inventory` against the MetaStudio simulator (Huawei) and the inventory simulator
/// (Alibaba ICE, Volcengine VMS), as a user runs it.
@Suite("ttsarchive inventory", .serialized)
struct InventoryTests {
    struct Clouds {
        let huawei: SimHarness
        let inventory: InventorySimulator

        static func start(_ configure: (inout InventorySimulatorConfig) -> Void = { _ in }) async throws -> Clouds {
            var config = InventorySimulatorConfig()
            configure(&config)
            let inventory = InventorySimulator(config: config)
            _ = try await inventory.start()
            // Hundreds of voice-training resources, so Huawei's offset/limit paging is exercised too.
            return Clouds(huawei: try await SimHarness.start(jobs: 12) { $0.quotaResourceCount = 301 }, inventory: inventory)
        }

        func stop() async {
            await huawei.stop()
            await inventory.shutdown()
        }

        func environment(alibabaSecret: String? = nil, volcengineSecret: String? = nil) -> [String: String] {
            huawei.environment.merging(
                InventoryTests.credentials(inventory.config, alibabaSecret: alibabaSecret, volcengineSecret: volcengineSecret)) { $1 }
        }

        func run(_ dir: ScratchDirectory, _ extra: [String] = [], environment: [String: String]? = nil) async throws
            -> ToolProcess.Result
        {
            try await ToolProcess.run(
                [
                    "inventory", "--endpoint", huawei.endpoint, "--alibaba-endpoint", inventory.alibabaURL,
                    "--volcengine-endpoint", inventory.volcengineURL, "--archive", dir.sub("archive"),
                    "--manifests", dir.sub("manifests"),
                ] + extra, environment: environment ?? self.environment())
        }
    }

    /// The Alibaba and Volcengine keys a simulator accepts (or a wrong secret), as a user sets them.
    static func credentials(_ c: InventorySimulatorConfig, alibabaSecret: String? = nil, volcengineSecret: String? = nil) -> [String: String] {
        [
            "ALIBABA_CLOUD_ACCESS_KEY_ID": c.alibabaAccessKeyID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": alibabaSecret ?? c.alibabaAccessKeySecret,
            "VOLC_ACCESSKEY": c.volcengineAccessKey, "VOLC_SECRETKEY": volcengineSecret ?? c.volcengineSecretKey,
        ]
    }

    /// Every inventory manifest written, oldest first.
    static func manifests(_ dir: ScratchDirectory) throws -> [InventoryManifest] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.sub("manifests"))
            .filter { $0.hasPrefix("inventory-") }.sorted()
        return try names.map { try JSONDecoder().decode(InventoryManifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("manifests/" + $0)))) }
    }

    /// A stored snapshot, decompressed and checked against its digest by the store.
    static func object(_ dir: ScratchDirectory, _ hex: String?) async throws -> RawJSON {
        let store = try LocalObjectStore(root: dir.sub("archive"), create: false)
        let bytes = Locked<[UInt8]>([])
        let text = try #require(hex)
        let digest = try #require(ContentDigest(hex: text))
        try await store.readObject(digest) { chunk in bytes.withLock { $0 += chunk } }
        return try RawJSON.parse(bytes.withLock { $0 })
    }

    static func objectFiles(_ dir: ScratchDirectory) -> Int {
        FileManager.default.enumerator(atPath: dir.sub("archive/sha256"))?.allObjects.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".gz") }.count ?? 0
    }

    @Test("all three clouds, every page, cross-referenced; a re-run stores nothing new")
    func fullPaginationAndRerun() async throws {
        let clouds = try await Clouds.start()
        let dir = ScratchDirectory("inventory")
        let archived = try await clouds.huawei.run(dir)
        #expect(archived.status == 0, "\(archived.stderr)")
        let first = try await clouds.run(dir, ["--page-size", "2"])
        #expect(first.status == 0, "\(first.stderr)")
        let manifest = try #require(try Self.manifests(dir).last)
        let c = clouds.inventory.config

        let alibaba = try #require(manifest.clouds["alibaba"])
        #expect(alibaba.recordCount == 370)
        #expect(alibaba.pages == 125 + 60)
        #expect(alibaba.countsByType == ["Basic": 250, "Standard": 120])
        #expect(Set(alibaba.requestIDs).count == alibaba.pages)
        let volc = try #require(manifest.clouds["volcengine"])
        #expect(volc.recordCount == c.volcengineResources.values.reduce(0, +))
        #expect(volc.countsByType == c.volcengineResources)
        let huawei = try #require(manifest.clouds["huawei"])
        #expect(huawei.recordCount == 301)
        #expect(huawei.pages == (301 + 1) / 2)

        // Stored objects are the canonical documents: records sorted by id, none lost.
        let stored = try await Self.object(dir, alibaba.object)
        let ids = try #require(stored["records"]?.arrayValue).compactMap { $0["JobId"]?.scalarText }
        #expect(ids.count == 370 && Set(ids).count == 370)
        #expect(ids == ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(try await Self.object(dir, huawei.object)["scope"]?["project_id"]?.scalarText == clouds.huawei.simulator.config.projectID)

        let cross = try #require(manifest.crossReference)
        let run = try RunFiles(dir: dir).manifest()
        #expect(cross.manifestsRead == 1)
        #expect(cross.runManifest?.runID == run.runID)
        #expect(cross.jobsWithAssetID == run.jobs.compactMap(\.assetID).count)
        #expect(cross.matched + cross.unmatched == cross.assetIDs)
        #expect(cross.unmatchedAssetIDs.count == cross.unmatched)

        // Again: VMS now serves its records in reverse order, request ids all differ; the
        // snapshots are the same objects and the archive gains none.
        let before = Self.objectFiles(dir)
        let second = try await clouds.run(dir)
        #expect(second.status == 0, "\(second.stderr)")
        let again = try #require(try Self.manifests(dir).last)
        #expect(again.inventoryID != manifest.inventoryID)
        #expect(again.previousInventory?.file == manifest.inventoryID + ".json")
        for name in ["huawei", "alibaba", "volcengine"] {
            #expect(again.clouds[name]?.object == manifest.clouds[name]?.object, "\(name)")
            #expect(again.clouds[name]?.objectNew == false, "\(name)")
        }
        #expect(again.clouds["alibaba"]?.pages == 3 + 2)
        #expect(Self.objectFiles(dir) == before)
        await clouds.stop()
    }

    @Test("throttling and 503s are retried to a complete snapshot")
    func throttlingRetried() async throws {
        let clouds = try await Clouds.start { $0.throttleRate = 0.5; $0.unavailableRate = 0.2; $0.alibabaJobs = ["Basic": 420, "Standard": 230] }
        let dir = ScratchDirectory("inventory-throttle")
        let result = try await clouds.run(dir, ["--alibaba", "--volcengine"])
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try #require(try Self.manifests(dir).last)
        let stats = clouds.inventory.stats
        #expect((stats.faults["Throttling.User"] ?? 0) > 0)
        #expect((stats.faults["Throttling"] ?? 0) + (stats.faults["ServiceUnavailable"] ?? 0) > 0)
        let alibaba = try #require(manifest.clouds["alibaba"])
        #expect(alibaba.recordCount == 650)
        #expect(alibaba.attempts > alibaba.pages)
        #expect(manifest.clouds["volcengine"]?.recordCount == 300)
        #expect(manifest.clouds["huawei"] == nil)
        #expect(manifest.crossReference == nil)
        await clouds.stop()
    }

    @Test("a bad signature is that cloud's auth error; the others still succeed (exit 1); all refused is exit 3")
    func badSignature() async throws {
        let clouds = try await Clouds.start()
        let dir = ScratchDirectory("inventory-auth")
        let badSecret = "not-the-secret-\(UUID().uuidString)"
        let result = try await clouds.run(dir, environment: clouds.environment(alibabaSecret: badSecret))
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let manifest = try #require(try Self.manifests(dir).last)
        let alibaba = try #require(manifest.clouds["alibaba"])
        #expect(alibaba.status == "failed")
        #expect(alibaba.error?.kind == "authentication")
        #expect(alibaba.error?.code == "SignatureDoesNotMatch")
        #expect(alibaba.error?.requestID != nil)
        #expect(alibaba.object == nil)
        #expect(manifest.clouds["huawei"]?.status == "ok")
        #expect(manifest.clouds["volcengine"]?.status == "ok")
        #expect(clouds.inventory.stats.authFailures == 1, "an auth refusal is not retried")
        #expect(result.stdout.contains("alibaba: FAILED"))

        let both = try await clouds.run(
            dir, ["--alibaba", "--volcengine"], environment: clouds.environment(alibabaSecret: badSecret, volcengineSecret: badSecret))
        #expect(both.status == 3, "\(both.stdout)\(both.stderr)")
        let refused = try #require(try Self.manifests(dir).last)
        #expect(refused.clouds["volcengine"]?.error?.code == "SignatureDoesNotMatch")
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.sub("manifests")) {
            let text = try String(contentsOfFile: dir.sub("manifests/" + file), encoding: .utf8)
            #expect(!text.contains(badSecret) && !text.contains(clouds.inventory.config.volcengineSecretKey))
        }
        await clouds.stop()
    }

    @Test("no credentials and no flags is a configuration error (exit 2)")
    func nothingToDo() async throws {
        let dir = ScratchDirectory("inventory-none")
        let result = try await ToolProcess.run(["inventory", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("VOLC_ACCESSKEY"))
    }

    @Test("run --inventory on a local archive: the snapshot follows the night under its lock, and reads its manifest")
    func runInventoryLocally() async throws {
        // Every ICE and VMS page is throttled three times first: the snapshot takes seconds,
        // long enough to look at the lock while it runs.
        let clouds = try await Clouds.start {
            $0.throttleRate = 1
            $0.faultAttempts = 3
        }
        defer { Task { await clouds.stop() } }
        let dir = ScratchDirectory("run-inventory")
        let arguments = clouds.huawei.runArguments(
            dir, extra: ["--inventory", "--alibaba-endpoint", clouds.inventory.alibabaURL, "--volcengine-endpoint", clouds.inventory.volcengineURL])
        let environment = clouds.environment()
        let running = Task { try await ToolProcess.run(arguments, environment: environment) }
        // Once the night's HEAD is written, the snapshot is under way: the lock must still be held.
        let lock = ArchiveLock.path(archive: dir.sub("archive"))
        var heldAfterTheNight: Bool?
        for _ in 0..<2_400 where heldAfterTheNight == nil {
            if FileManager.default.fileExists(atPath: dir.sub("manifests/HEAD.json")) {
                heldAfterTheNight = FileManager.default.fileExists(atPath: lock)
            } else {
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        let result = try await running.value
        #expect(result.status == 0, "\(result.stderr)")
        #expect(heldAfterTheNight == true, "the lock was let go before the snapshot")
        #expect(result.stdout.contains("inventory: asset_ids:") && result.stdout.contains("inventory: manifest "), "\(result.stdout)")
        let head = try RunFiles(dir: dir).head()
        let manifests = try Self.manifests(dir)
        #expect(manifests.count == 1)
        #expect(manifests.first?.crossReference?.runManifest == ManifestLink(runID: head.runID, sha256: head.sha256))
        #expect(manifests.first?.clouds.values.allSatisfy { $0.error == nil } == true)
        #expect(!FileManager.default.fileExists(atPath: lock), "released after the snapshot")
    }

    @Test("run --inventory refuses --dry-run and --shard (exit 2, before any request)")
    func runInventoryRefusals() async throws {
        let shard = ["--shard", "0/2", "--run-group", "g", "--since", SimHarness.since, "--until", SimHarness.until]
        for extra in [["--dry-run"], shard] {
            let result = try await ToolProcess.run(["run", "--inventory", "--endpoint", "http://127.0.0.1:9"] + extra)
            #expect(result.status == 2 && result.stderr.contains("--inventory"), "\(result.stderr)")
        }
    }
}
