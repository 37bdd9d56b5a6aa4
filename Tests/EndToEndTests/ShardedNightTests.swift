import Foundation
import Testing
import TTSNative
import TTSTestSupport
@testable import TTSArchiveCore

/// N shards of one night, as N machines would run them, into one SeaweedFS bucket.
@Suite("Sharded nights into S3 (SeaweedFS)")
struct ShardedNightTests {
    @Test func threeConcurrentShardsArchiveEveryJobOnceAndMergeIntoTheChain() async throws {
        let seaweed = try await SeaweedFS.shared()
        let sim = try await SimHarness.start(jobs: 90, seed: 23)
        defer { Task { await sim.stop() } }
        let root = seaweed.freshLocation("night")
        let archive = root.appending("archive").description, manifests = root.appending("manifests").description
        let s3 = ["--s3-endpoint", seaweed.endpoint, "--archive", archive, "--manifests", manifests]

        // Three "machines": each has its own state folder.
        let hosts = (0..<3).map { ScratchDirectory("shard\($0)") }
        let results = try await withThrowingTaskGroup(of: (Int, ToolProcess.Result).self) { group in
            for k in 0..<3 {
                let environment = sim.environment.merging(SeaweedFS.environment) { a, _ in a }.merging(["XDG_STATE_HOME": hosts[k].path]) { a, _ in a }
                let args = ["run", "--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until,
                            "--shard", "\(k)/3", "--run-group", "night-1"] + s3
                group.addTask { (k, try await ToolProcess.run(args, environment: environment)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for (k, result) in results.sorted(by: { $0.key < $1.key }) {
            #expect(result.status == 0, "shard \(k): \(result.stderr)")
            for secret in sim.secrets + [SeaweedFS.secretKey] {
                #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
            }
        }
        // Exactly one shard (the last) merged; the others waited for it.
        #expect(results.values.filter { $0.stdout.contains("merged run group night-1") }.count == 1)

        let engine = HTTPEngine(maxTotal: 8, maxPerHost: 8)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let m = root.appending("manifests")
        func json<T: Decodable>(_ type: T.Type, _ key: String) async throws -> (T, [UInt8]) {
            let bytes = try await client.get(bucket: m.bucket, key: m.key(key))
            return (try JSONDecoder().decode(T.self, from: Data(bytes)), bytes)
        }
        let (head, _) = try await json(ManifestHead.self, "HEAD.json")
        let (night, _) = try await json(Manifest.self, head.file)
        #expect(night.complete && night.failures.isEmpty)
        let refs = try #require(night.shards)
        #expect(refs.map(\.shard) == ["0/3", "1/3", "2/3"])

        // The shards' job sets are disjoint, each job is its hash's shard, and together they
        // are every SUCCEED job of the window.
        var seen: [String: Int] = [:]
        for ref in refs {
            let (shard, bytes) = try await json(Manifest.self, ref.file)
            #expect(SigningCrypto.sha256Hex(bytes) == ref.sha256, "the night names \(ref.file) by its digest")
            for job in shard.jobs {
                #expect(ShardSpec.owner(of: job.jobID, count: 3) == shard.shard?.index)
                seen[job.jobID, default: 0] += 1
            }
        }
        #expect(seen.values.allSatisfy { $0 == 1 })
        let expected = try await sim.allJobs(engine: engine).filter { $0.jobState == .succeeded && !$0.links.isEmpty }.map(\.jobID)
        #expect(Set(seen.keys) == Set(expected))
        #expect(night.jobs.map(\.jobID) == expected.sorted())

        // Every artifact downloaded once; shared contents stored once.
        let artifacts = night.jobs.flatMap(\.artifacts)
        #expect(sim.simulator.stats().objects.values.allSatisfy { $0.completedFullBodies <= 1 })
        let stored = try await client.list(bucket: root.bucket, prefix: root.appending("archive").key("sha256/"))
        #expect(stored.count == Set(artifacts.map(\.sha256)).count)
        #expect(Set(artifacts.map(\.sha256)).count < artifacts.count, "the world shares some files; they should be stored once")
        #expect(night.counts.objectsNew == stored.count)

        // The bucket verifies, chain and objects, from a host that has never seen it.
        let verify = try await ToolProcess.run(["verify"] + s3, environment: SeaweedFS.environment.merging(["XDG_STATE_HOME": hosts[0].sub("v")]) { a, _ in a })
        #expect(verify.status == 0, "\(verify.stdout)\n\(verify.stderr)")
        #expect(verify.stdout.contains("all good"))

        // restore and export read the S3 archive and its S3 manifests like local ones.
        let auditor = SeaweedFS.environment.merging(["XDG_STATE_HOME": hosts[2].sub("a")]) { a, _ in a }
        let out = hosts[2].sub("restored")
        let restore = try await ToolProcess.run(["restore", "--run", night.runID, "--out", out] + s3, environment: auditor)
        #expect(restore.status == 0, "\(restore.stderr)")
        let first = try #require(night.jobs.first { !$0.artifacts.isEmpty })
        let restoredFiles = FileManager.default.enumerator(atPath: out)?.allObjects.compactMap { $0 as? String } ?? []
        #expect(restoredFiles.contains { $0.contains(first.jobID) })
        #expect(restore.stdout.contains("restored \(artifacts.count) of \(artifacts.count) files"))
        let bag = hosts[2].sub("bag")
        let export = try await ToolProcess.run(["export", "--run", night.runID, "--bagit", bag] + s3, environment: auditor)
        #expect(export.status == 0, "\(export.stderr)")
        let validated = try await ToolProcess.run(["-c", "python3 -m bagit --validate '\(bag)'"], executable: "/bin/sh")
        #expect(validated.status == 0, "\(validated.stderr)")

        // cat streams an object out of the bucket, verified against its name.
        let sample = try #require(artifacts.max { $0.size < $1.size })
        let catArgs = (["cat", sample.sha256] + s3).map { "'\($0)'" }.joined(separator: " ")
        let cat = try await ToolProcess.run(["-c", "'\(ToolProcess.ttsarchive)' \(catArgs) | sha256sum"], executable: "/bin/sh", environment: auditor)
        #expect(cat.stdout.hasPrefix(sample.sha256), "\(cat.stderr)")

        // A wrong secret: one line, exit 3, no secret in it.
        let refused = try await ToolProcess.run(["verify"] + s3, environment: auditor.merging(["AWS_SECRET_ACCESS_KEY": "wrong-secret-0001"]) { _, b in b })
        #expect(refused.status == 3)
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("refused the credentials"))
        #expect(!refused.stderr.contains("wrong-secret-0001") && !refused.stderr.contains(SeaweedFS.secretKey))

        // Running a shard again after the merge changes nothing in the chain.
        let again = try await ToolProcess.run(
            ["merge", "--run-group", "night-1"] + s3, environment: SeaweedFS.environment.merging(["XDG_STATE_HOME": hosts[1].path]) { a, _ in a })
        #expect(again.status == 0 && again.stdout.contains("already merged"))
        #expect(try await json(ManifestHead.self, "HEAD.json").0 == head)
    }

    @Test func twoShardsShareOneLocalArchive() async throws {
        let sim = try await SimHarness.start(jobs: 40, seed: 29)
        defer { Task { await sim.stop() } }
        let dir = ScratchDirectory("local-shards")
        let results = try await withThrowingTaskGroup(of: ToolProcess.Result.self) { group in
            for k in 0..<2 {
                // Each with its own --state, as two hosts sharing one disk would be.
                let args = sim.runArguments(dir, extra: ["--shard", "\(k)/2", "--run-group", "g1", "--state", dir.sub("state\(k)")])
                group.addTask { try await ToolProcess.run(args, environment: sim.environment) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let night = try RunFiles(dir: dir).manifest()
        #expect(night.shards?.count == 2 && night.complete)
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let expected = try await sim.allJobs(engine: engine).filter { $0.jobState == .succeeded && !$0.links.isEmpty }.map(\.jobID)
        #expect(night.jobs.map(\.jobID) == expected.sorted())
        let verify = try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(verify.status == 0, "\(verify.stdout)")
        // The store sees the lock folder as its own, not as a stray.
        #expect(!verify.stdout.contains("stray"))
    }

    @Test func aSecondRunOfTheSameShardIsLockedOut() async throws {
        let seaweed = try await SeaweedFS.shared()
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let root = seaweed.freshLocation("lock")
        let first = try await S3Lock.acquire("shards-g-shard-0-of-2", in: root, client: client, command: "run --shard 0/2")
        await #expect(throws: ArchiveLockError.self) {
            _ = try await S3Lock.acquire("shards-g-shard-0-of-2", in: root, client: client, command: "run --shard 0/2")
        }
        // Another shard is not held up.
        let other = try await S3Lock.acquire("shards-g-shard-1-of-2", in: root, client: client, command: "run --shard 1/2")
        await first.release()
        let again = try await S3Lock.acquire("shards-g-shard-0-of-2", in: root, client: client, command: "run --shard 0/2")
        await again.release()
        await other.release()
        // A live holder renews its lock: past its first expiry it still keeps others out. (A 6 s
        // lease renewed every 2 s: with 1.5 s, one slow GET+PUT against a SeaweedFS busy with the
        // parallel suite let the lease lapse; expiries are written to the second.)
        let renewed = try await S3Lock.acquire("renewed", in: root, client: client, command: "run (long)", ttl: 6)
        try await Task.sleep(for: .seconds(8))
        await #expect(throws: ArchiveLockError.self) {
            _ = try await S3Lock.acquire("renewed", in: root, client: client, command: "run")
        }
        await renewed.release()
        // An expired lock (its holder died) is taken over, and says whose it was.
        let dead = try await S3Lock.acquire("stale", in: root, client: client, command: "run (killed)", ttl: -1)
        dead.abandon()
        let taken = try await S3Lock.acquire("stale", in: root, client: client, command: "run")
        #expect(taken.replaced?.holder?.command == "run (killed)")
        await taken.release()
    }

    @Test func theShardHashIsStableAndBalanced() {
        // Pinned values (from Python: int.from_bytes(sha256(id).digest()[:8], "big") % n):
        // changing the hash would re-deal every night's jobs between shards mid-rollout.
        #expect(ShardSpec.owner(of: "job-0001", count: 3) == 1 && ShardSpec.owner(of: "job-0001", count: 7) == 1)
        #expect(ShardSpec.owner(of: "5f3c9e1a-0b7d-4c2e-9a61-7d0e3b2c1f00", count: 3) == 0)
        #expect(ShardSpec.owner(of: "5f3c9e1a-0b7d-4c2e-9a61-7d0e3b2c1f00", count: 7) == 5)
        #expect(ShardSpec.owner(of: "语音", count: 7) == 5)
        let counts = (0..<3000).reduce(into: [0, 0, 0]) { counts, i in counts[ShardSpec.owner(of: "job-\(i)", count: 3)] += 1 }
        #expect(counts.allSatisfy { (850...1150).contains($0) }, "\(counts)")
        #expect(ShardSpec("2/3") == ShardSpec(index: 2, count: 3))
        #expect(ShardSpec("3/3") == nil && ShardSpec("0/0") == nil && ShardSpec("a/b") == nil && ShardSpec("1") == nil)
    }
}
