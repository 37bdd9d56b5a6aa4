import Foundation
import Testing
import TTSNative
import TTSSimulator
import TTSTestSupport
@testable import TTSArchiveCore

/// Every command on an `s3://` archive, as a user runs them: one night with `run --inventory`
/// into SeaweedFS against the simulators, shared by these tests, then each subcommand run by
/// the real binary on the bucket.
@Suite("Every command on an S3 archive (SeaweedFS)", .serialized)
struct S3CommandsTests {
    /// The night every test reads; made once per test process.
    static let night = Task { try await S3Night.make() }

    @Test("run --inventory: the night, then the three clouds, one chain, the lock released")
    func runInventory() async throws {
        let night = try await Self.night.value
        #expect(night.run.status == 0, "\(night.run.stderr)")
        #expect(night.run.stdout.contains("inventory: asset_ids:"), "\(night.run.stdout)")
        let head = try await night.head()
        let inventories = try await night.inventoryManifests()
        // The snapshot taken by the run is the first, and it cross-references the run's manifest.
        let first = try #require(inventories.first)
        #expect(first.crossReference?.runManifest == ManifestLink(runID: head.runID, sha256: head.sha256))
        #expect(Set(first.clouds.keys) == ["huawei", "alibaba", "volcengine"])
        #expect(first.clouds.values.allSatisfy { $0.error == nil && $0.recordCount > 0 })
        let cross = try #require(first.crossReference)
        #expect(cross.matched > 0 && cross.unmatched > 0 && (cross.orphans ?? 0) > 0, "\(cross)")
        // Taken after the night's manifest, and the lock let go afterwards.
        let manifest = try await night.manifest()
        #expect(try #require(Timestamp.parse(first.takenAt)) >= (try #require(Timestamp.parse(manifest.finishedAt))))
        #expect(try await night.object("locks/run.json", under: "archive") == nil)
    }

    @Test func status() async throws {
        let night = try await Self.night.value
        let head = try await night.head()
        let text = try await night.tool(["status"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("archive   \(night.archive):"))
        #expect(text.stdout.contains("head      \(head.sha256)"))
        #expect(text.stdout.contains(head.runID))
        // Another host: the bucket's runs, and no local state of its own.
        let elsewhere = ScratchDirectory("s3-status")
        let json = try await night.tool(["status", "--json"], stateHome: elsewhere.path)
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSONDecoder().decode(StatusReport.self, from: Data(json.stdout.utf8))
        #expect(report.head == head)
        #expect(report.runs.map(\.runID) == [head.runID])
        #expect(report.store.objects >= Set(try await night.manifest().jobs.flatMap(\.artifacts).map(\.sha256)).count)
        #expect(report.lock == nil && report.pending.isEmpty && report.unfinished == nil)

        // A run holding the chain's lock in the bucket is shown, by the store's view of it.
        let engine = HTTPEngine(maxTotal: 2, maxPerHost: 2)
        defer { engine.shutdown() }
        let client = try night.seaweed.client(engine: engine)
        let lock = night.root.appending("archive")
        let holder = LockHolder(host: "night-host", pid: 4242, startedAt: Timestamp.format(Date()), command: "ttsarchive run (held for the test)")
        _ = try await client.put(
            bucket: lock.bucket, key: lock.key("locks/run.json"), body: try S3Lock.encode(holder, token: "test", ttl: 600),
            contentType: "application/json", ifAbsent: true)
        let held = try await night.tool(["status"], stateHome: elsewhere.path)
        try await client.delete(bucket: lock.bucket, key: lock.key("locks/run.json"))
        #expect(held.status == 0, "\(held.stderr)")
        #expect(held.stdout.contains("lock      held by `ttsarchive run (held for the test)` (pid 4242 on host night-host"), "\(held.stdout)")
    }

    @Test func report() async throws {
        let night = try await Self.night.value
        let head = try await night.head()
        let dir = ScratchDirectory("s3-report")
        let out = dir.sub("report.html")
        let result = try await night.tool(["report", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("report \(out): 1 run(s)"))
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains(head.sha256))
    }

    @Test func inventory() async throws {
        let night = try await Self.night.value
        let before = try await night.inventoryManifests().count
        let result = try await night.tool(
            ["inventory", "--json", "--endpoint", night.sim.endpoint, "--alibaba-endpoint", night.inventory.alibabaURL,
             "--volcengine-endpoint", night.inventory.volcengineURL])
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try JSONDecoder().decode(InventoryManifest.self, from: Data(result.stdout.utf8))
        #expect(manifest.previousInventory != nil, "the night's snapshot is the one before")
        #expect((manifest.crossReference?.matched ?? 0) > 0)
        // Published in the bucket, and nothing new stored for unchanged inventories.
        #expect(try await night.inventoryManifests().count == before + 1)
        #expect(manifest.clouds.values.allSatisfy { $0.objectNew == false })
    }

    @Test func merge() async throws {
        let night = try await Self.night.value
        // A night of its own (two shards), so the shared chain stays as the other tests read it.
        let root = night.seaweed.freshLocation("merge")
        let s3 = night.locations(root)
        let merge = ["merge", "--run-group", "night-m"] + s3
        let first = try await night.tool(night.runArguments(s3) + ["--shard", "0/2", "--run-group", "night-m"])
        #expect(first.status == 0, "\(first.stderr)")
        let early = try await night.tool(merge)
        #expect(early.status == 1 && early.stdout.contains("waiting for shard(s) 1/2"), "\(early.stdout)\(early.stderr)")
        let second = try await night.tool(night.runArguments(s3) + ["--shard", "1/2", "--run-group", "night-m"])
        #expect(second.status == 0 && second.stdout.contains("merged run group night-m"), "\(second.stderr)")
        let again = try await night.tool(merge)
        #expect(again.status == 0 && again.stdout.contains("already merged"), "\(again.stdout)\(again.stderr)")
    }

    @Test func verify() async throws {
        let night = try await Self.night.value
        let elsewhere = ScratchDirectory("s3-verify")
        let result = try await night.tool(["verify"], stateHome: elsewhere.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("all good"))
    }

    @Test func restore() async throws {
        let night = try await Self.night.value
        let manifest = try await night.manifest()
        let count = manifest.jobs.flatMap(\.artifacts).count
        let dir = ScratchDirectory("s3-restore")
        let out = dir.sub("out")
        let result = try await night.tool(["restore", "--run", manifest.runID, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(count > 0 && result.stdout.contains("restored \(count) of \(count) files"), "\(result.stdout)")
    }

    @Test func export() async throws {
        let night = try await Self.night.value
        let dir = ScratchDirectory("s3-export")
        let bag = dir.sub("bag")
        let result = try await night.tool(["export", "--run", try await night.head().runID, "--bagit", bag])
        #expect(result.status == 0, "\(result.stderr)")
        let validated = try await ToolProcess.run(["-c", "python3 -m bagit --validate '\(bag)'"], executable: "/bin/sh")
        #expect(validated.status == 0, "\(validated.stderr)")
    }

    @Test func cat() async throws {
        let night = try await Self.night.value
        let sample = try #require(try await night.manifest().jobs.flatMap(\.artifacts).max { $0.size < $1.size })
        let command = ([ToolProcess.ttsarchive, "cat", sample.sha256] + night.s3).map { "'\($0)'" }.joined(separator: " ")
        let result = try await ToolProcess.run(["-c", command + " | sha256sum"], executable: "/bin/sh", environment: night.environment())
        #expect(result.stdout.hasPrefix(sample.sha256), "\(result.stderr)")
    }
}
