import Foundation
import Testing
import TTSNative
import TTSTestSupport
@testable import TTSArchiveCore

/// One writer of the manifest chain, on a real SeaweedFS: the S3 lock's conditional requests,
/// expiry by the store's clock, a lost lease noticed, and real processes racing for the chain.
@Suite("One writer of the chain (SeaweedFS)", .serialized)
struct ChainWriterTests {
    func lockBody(host: String, expiresAt: String, ttl: Double) throws -> [UInt8] {
        let holder = LockHolder(host: host, pid: 1, startedAt: "2026-01-01T00:00:00Z", command: "ttsarchive run")
        return Array(try JSONEncoder().encode(S3Lock.Body(holder: holder, expiresAt: expiresAt, ttlSeconds: ttl)))
    }

    @Test func expiryIsJudgedByTheStoresClockNotTheHolders() async throws {
        let seaweed = try await SeaweedFS.shared()
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let root = seaweed.freshLocation("lease")
        let key = root.key("locks/run.json")

        // A holder whose clock runs a century fast: its expires_at says 2100, but its 2 s lease
        // (by the store's clock) is long over.
        let fast = try lockBody(host: "fast-clock", expiresAt: "2100-01-01T00:00:00Z", ttl: 2)
        #expect(try await client.put(bucket: root.bucket, key: key, body: fast, contentType: "application/json", ifAbsent: true) != .alreadyExists)
        try await Task.sleep(for: .seconds(3.5))
        let taken = try await S3Lock.acquire("run", in: root, client: client, command: "ttsarchive run")
        #expect(taken.replaced?.holder?.host == "fast-clock")
        await taken.release()
        #expect(try await client.head(bucket: root.bucket, key: key) == nil, "released")

        // A holder whose clock runs slow: its expires_at is long past here, but its 10-minute
        // lease (by the store's clock) has just begun: it is held.
        let slow = try lockBody(host: "slow-clock", expiresAt: "2001-01-01T00:00:00Z", ttl: 600)
        #expect(try await client.put(bucket: root.bucket, key: key, body: slow, contentType: "application/json", ifAbsent: true) != .alreadyExists)
        await #expect(throws: ArchiveLockError.self) {
            _ = try await S3Lock.acquire("run", in: root, client: client, command: "ttsarchive run", wait: 1)
        }
        #expect(try await client.get(bucket: root.bucket, key: key) == slow, "a live lease is never replaced")
    }

    @Test func aLostLeaseIsNoticedAndTheSuccessorsLockIsNotReleased() async throws {
        let seaweed = try await SeaweedFS.shared()
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let root = seaweed.freshLocation("lost")
        let key = root.key("locks/run.json")
        let lock = try await S3Lock.acquire("run", in: root, client: client, command: "ttsarchive run", ttl: 3)
        let heard = Locked<String?>(nil)
        lock.onLost { reason in heard.withLock { $0 = reason } }
        // Someone else takes it (an operator's --break-lock elsewhere).
        let successor = try lockBody(host: "successor", expiresAt: "2100-01-01T00:00:00Z", ttl: 600)
        _ = try await client.put(bucket: root.bucket, key: key, body: successor, contentType: "application/json", ifAbsent: false)
        let deadline = Date().addingTimeInterval(6)
        while heard.withLock({ $0 }) == nil && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(heard.withLock { $0 }?.contains("taken over") == true, "the holder did not notice it lost its lease")
        #expect(lock.lostReason != nil)
        // Renewal stopped, and releasing (If-Match on our last ETag) leaves the successor's lock.
        try await Task.sleep(for: .seconds(1.5))
        await lock.release()
        #expect(try await client.get(bucket: root.bucket, key: key) == successor)
    }

    @Test func runAndMergeProcessesNeverForkTheChain() async throws {
        let seaweed = try await SeaweedFS.shared()
        let sim = try await SimHarness.start(jobs: 40, seed: 53)
        defer { Task { await sim.stop() } }
        let root = seaweed.freshLocation("fork")
        let s3 = ["--s3-endpoint", seaweed.endpoint, "--archive", root.appending("archive").description,
                  "--manifests", root.appending("manifests").description]
        let hosts = (0..<3).map { ScratchDirectory("fork\($0)") }
        let base = ["run", "--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until, "--wait-lock", "5m"]
        // Two shards whose last merges into the chain, and an unsharded run appending to the
        // same chain, all at once, each "host" with its own state.
        let commands = [base + ["--shard", "0/2", "--run-group", "g"], base + ["--shard", "1/2", "--run-group", "g"], base]
        let results = try await withThrowingTaskGroup(of: ToolProcess.Result.self) { group in
            for (k, command) in commands.enumerated() {
                let environment = sim.environment.merging(SeaweedFS.environment) { a, _ in a }.merging(["XDG_STATE_HOME": hosts[k].path]) { a, _ in a }
                group.addTask { try await ToolProcess.run(command + s3, environment: environment) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map { $0.stderr.suffix(600) })")

        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let m = root.appending("manifests")
        let listed = try await client.list(bucket: m.bucket, prefix: m.key(""))
        let names = listed.map { String($0.key.dropFirst(m.key("").count)) }.filter { !$0.contains("/") && $0.hasSuffix(".json") && $0 != "HEAD.json" }
        #expect(names.count == 2, "one merged night and one unsharded run: \(names)")
        // Exactly one chain: from HEAD back through previous_manifest, every manifest once.
        let head = try JSONDecoder().decode(ManifestHead.self, from: Data(try await client.get(bucket: m.bucket, key: m.key("HEAD.json"))))
        var visited: [String] = []
        var next: ManifestLink? = ManifestLink(runID: head.runID, sha256: head.sha256)
        while let link = next {
            let bytes = try await client.get(bucket: m.bucket, key: m.key("\(link.runID).json"))
            #expect(SigningCrypto.sha256Hex(bytes) == link.sha256, "\(link.runID) is not what its successor names")
            visited.append("\(link.runID).json")
            next = try JSONDecoder().decode(Manifest.self, from: Data(bytes)).previousManifest
        }
        #expect(visited.sorted() == names.sorted(), "a manifest off the chain is a fork: chain \(visited), all \(names)")
    }

    @Test func aKilledHolderIsTakenOverAfterItsLeaseExpires() async throws {
        let seaweed = try await SeaweedFS.shared()
        let sim = try await SimHarness.start(jobs: 60, seed: 59) { $0.bandwidth = 3_000_000 }
        defer { Task { await sim.stop() } }
        let root = seaweed.freshLocation("killed")
        let s3 = ["--s3-endpoint", seaweed.endpoint, "--archive", root.appending("archive").description,
                  "--manifests", root.appending("manifests").description]
        let host = ScratchDirectory("killed-host")
        let environment = sim.environment.merging(SeaweedFS.environment) { a, _ in a }
            .merging(["XDG_STATE_HOME": host.path, "TTSARCHIVE_S3_LOCK_TTL": "4"]) { a, _ in a }
        let args = ["run", "--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until] + s3
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let lockKey = root.appending("archive").key("locks/run.json")

        let holder = ToolProcess.configured(ToolProcess.ttsarchive, args, environment: environment)
        holder.standardOutput = Pipe()
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, holder.isRunning, try await client.head(bucket: root.bucket, key: lockKey) == nil {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(1))
        #expect(holder.isRunning, "the run ended before it could be killed; slow it down")
        kill(holder.processIdentifier, SIGKILL)
        await ToolProcess.wait(holder)
        let killedAt = Date()
        #expect(try await client.head(bucket: root.bucket, key: lockKey) != nil, "a killed holder leaves its lock")

        let next = try await ToolProcess.run(args + ["--wait-lock", "2m"], environment: environment)
        #expect(next.status == 0, "\(next.stderr.suffix(1200))")
        #expect(next.stderr.contains("took over the archive lock"), "\(next.stderr.suffix(600))")
        #expect(Date().timeIntervalSince(killedAt) >= 2, "taken over before its lease could have expired")
        let m = root.appending("manifests")
        let head = try JSONDecoder().decode(ManifestHead.self, from: Data(try await client.get(bucket: m.bucket, key: m.key("HEAD.json"))))
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try await client.get(bucket: m.bucket, key: m.key(head.file))))
        #expect(manifest.complete && manifest.previousManifest == nil)
        #expect(try await client.head(bucket: root.bucket, key: lockKey) == nil, "released at the end")
    }

    /// With the manifests in the bucket or in a local folder (an S3 archive's lock still guards
    /// them): a cancelled upload cannot publish, but a local write could, so both are checked.
    @Test(arguments: [false, true])
    func aRunThatLosesItsLeaseStopsWithExit4AndItsWindowOpen(localManifests: Bool) async throws {
        let seaweed = try await SeaweedFS.shared()
        let sim = try await SimHarness.start(jobs: 60, seed: 61) { $0.bandwidth = 2_000_000 }
        defer { Task { await sim.stop() } }
        let root = seaweed.freshLocation("lose")
        let localFolder = ScratchDirectory("lose-manifests")
        let s3 = ["--s3-endpoint", seaweed.endpoint, "--archive", root.appending("archive").description,
                  "--manifests", localManifests ? localFolder.path : root.appending("manifests").description]
        let host = ScratchDirectory("lose-host")
        let environment = sim.environment.merging(SeaweedFS.environment) { a, _ in a }
            .merging(["XDG_STATE_HOME": host.path, "TTSARCHIVE_S3_LOCK_TTL": "3"]) { a, _ in a }
        let args = ["run", "--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until] + s3
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let lockKey = root.appending("archive").key("locks/run.json")

        let process = ToolProcess.configured(ToolProcess.ttsarchive, args, environment: environment)
        let stderr = Pipe()
        process.standardOutput = Pipe()
        process.standardError = stderr
        try process.run()
        async let errorText = ToolProcess.readAll(stderr)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, try await client.head(bucket: root.bucket, key: lockKey) == nil {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(0.5))
        #expect(process.isRunning, "the run ended before its lease could be lost; slow it down")
        // An operator breaks the lock from elsewhere while the run holds it.
        let other = try lockBody(host: "elsewhere", expiresAt: "2100-01-01T00:00:00Z", ttl: 600)
        _ = try await client.put(bucket: root.bucket, key: lockKey, body: other, contentType: "application/json", ifAbsent: false)
        await ToolProcess.wait(process)
        let text = String(decoding: await errorText, as: UTF8.self)
        #expect(process.terminationStatus == 4, "\(text.suffix(800))")
        #expect(text.contains("taken over"), "\(text.suffix(800))")
        // The window stays open: nothing claims completeness, and the other's lock is untouched.
        let states = (FileManager.default.enumerator(atPath: host.path)?.allObjects as? [String]) ?? []
        #expect(states.contains { $0.hasSuffix("active.journal") } && !states.contains { $0.hasSuffix("last-complete.json") }, "\(states)")
        #expect(try await client.get(bucket: root.bucket, key: lockKey) == other)
        // Without its lease it publishes nothing, not even an incomplete manifest: the chain is
        // the new holder's alone.
        let published = try await client.list(bucket: root.bucket, prefix: root.appending("manifests").key(""))
        #expect(published.isEmpty, "a run that lost its lease published \(published.map(\.key))")
        let written = ((try? FileManager.default.contentsOfDirectory(atPath: localFolder.path)) ?? []).filter { $0.hasSuffix(".json") }
        #expect(written.isEmpty, "a run that lost its lease wrote \(written) into its manifests folder")
    }
}

