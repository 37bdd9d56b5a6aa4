import Foundation
import Testing
@testable import TTSArchiveCore
import TTSNative

@Suite("Group commit, the transfer gate and the run's journal index")
struct GroupCommitTests {
    /// Flushes asked for while a `syncfs` runs share the next one: 64 writers committing at once
    /// cost fewer than 64 `syncfs` calls, and every one of them returns.
    @Test func concurrentFlushesShareSyncs() async throws {
        let dir = TestDirectory("flush")
        // Dirty data, so that each syncfs has something to write and takes a while.
        for index in 0..<64 {
            try Data(repeating: UInt8(index), count: 64 * 1024).write(to: URL(fileURLWithPath: dir.sub("f\(index)")))
        }
        let sync = try FileSystemSync(directory: dir.path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 { group.addTask { try await sync.flush() } }
            try await group.waitForAll()
        }
        #expect(sync.syncCount >= 1)
        #expect(sync.syncCount < 64)
        // A flush asked for after the others still gets a syncfs of its own.
        let before = sync.syncCount
        try await sync.flush()
        #expect(sync.syncCount == before + 1)
    }

    /// The journal shares the store's flush only on the same file system.
    @Test func theJournalSharesTheStoresFlushOnlyOnItsFileSystem() async throws {
        let dir = TestDirectory("share")
        let store = try LocalObjectStore(root: dir.sub("archive"), create: true)
        let sync = try store.fileSystemSync()
        #expect(sync.covers(dir.sub("archive")))
        var own = stat()
        var shm = stat()
        if stat(dir.path, &own) == 0, stat("/dev/shm", &shm) == 0, own.st_dev != shm.st_dev {
            #expect(!sync.covers("/dev/shm"))
        }
        let state = try RunState(
            directory: dir.sub("archive/state"), requestedWindow: (Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 3600)),
            overlap: 0, now: Date(), runID: "r1", endpoint: "https://x", projectID: "p", sharedFlush: sync)
        let before = sync.syncCount
        try await state.noteJobs([TtsJob(jobID: "j1", createTime: "2026-01-01T00:00:00Z", jobState: .succeeded)])
        #expect(sync.syncCount > before)
        try await state.journal.close()
    }

    /// At most `permits` holders at once, and all of them used.
    @Test func theGateBoundsHolders() async {
        let gate = TransferGate(permits: 3)
        let holders = Locked((now: 0, most: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    #expect(await gate.enter())
                    holders.withLock {
                        $0.now += 1
                        $0.most = max($0.most, $0.now)
                    }
                    try? await Task.sleep(for: .milliseconds(5))
                    holders.withLock { $0.now -= 1 }
                    gate.leave()
                }
            }
        }
        #expect(holders.withLock { $0.most } == 3)
        #expect(gate.available == 3)
    }

    /// Permits go to waiters in the order they asked (the scheduler's oldest link first).
    @Test func theGateServesWaitersInOrder() async {
        let gate = TransferGate(permits: 1)
        let order = Locked([Int]())
        #expect(await gate.enter())
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    #expect(await gate.enter())
                    order.withLock { $0.append(index) }
                    gate.leave()
                }
                // Ask in index order.
                while gate.waiting < index + 1 { await Task.yield() }
            }
            gate.leave()
        }
        #expect(order.withLock { $0 } == Array(0..<12))
        #expect(gate.available == 1)
    }

    /// A task cancelled while it waits gets no permit and takes none from the others.
    @Test func aCancelledWaiterTakesNoPermit() async throws {
        let gate = TransferGate(permits: 1)
        #expect(await gate.enter())
        let waiter = Task { await gate.enter() }
        while gate.waiting < 1 { await Task.yield() }
        waiter.cancel()
        #expect(await waiter.value == false)
        gate.leave()
        #expect(gate.available == 1)
        #expect(await gate.enter())
    }

    /// The index a run keeps as it goes (read at start, grown by its appends, across a resume)
    /// is the one a scan of the journal finds, and renders the same manifest.
    @Test func theRunsIndexIsTheScannedIndex() async throws {
        let dir = TestDirectory("index")
        let window: (since: Date?, until: Date?) = (Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 3600))
        let resume: (since: Date?, until: Date?) = (nil, nil)
        // More jobs than one render batch, so the manifest is rendered in several.
        let count = ManifestJobIndex.renderBatch * 2 + 17
        func artifact(_ job: Int, _ kind: ArtifactKind, size: Int64) -> ManifestArtifact {
            ManifestArtifact(
                kind: kind, fileIndex: 0, sha256: String(repeating: "a", count: 64), size: size, storedSize: size / 2,
                storedSHA256: String(repeating: "b", count: 64), object: "sha256/aa/x.gz", mediaType: "audio/wav",
                checks: ["wav"], source: "https://obs.example/\(job)")
        }
        for half in 0..<2 {
            // The second half resumes the first's journal.
            let state = try RunState(
                directory: dir.path, requestedWindow: half == 0 ? window : resume, overlap: 0, now: Date(),
                runID: "r1", endpoint: "https://x", projectID: "p")
            let jobs = (0..<count).filter { $0 % 2 == half }.map {
                TtsJob(jobID: String(format: "job%04d", $0), createTime: "2026-01-01T00:00:00Z", jobState: .succeeded)
            }
            try await state.noteJobs(jobs)
            for job in jobs {
                let number = Int(job.jobID.dropFirst(3))!
                try await state.noteArtifact(artifact(number, .audio, size: Int64(number + 100)), jobID: job.jobID)
                // Stored twice: the later record counts.
                try await state.noteArtifact(artifact(number, .audio, size: Int64(number + 200)), jobID: job.jobID)
                try await state.noteArtifact(artifact(number, .timestamps, size: 7), jobID: job.jobID)
            }
            let kept = state.manifestJobs()
            try await state.journal.close()
            let scanned = try ManifestJobIndex(journal: dir.sub("active.journal"))
            #expect(kept.jobCount == scanned.jobCount)
            #expect(kept.artifactCount == scanned.artifactCount)
            #expect(kept.bytes == scanned.bytes)
            var byScan: [ManifestJob] = []
            try scanned.forEachJob { byScan.append($0) }
            #expect(byScan.count == (half == 0 ? (count + 1) / 2 : count))
            #expect(byScan.allSatisfy { $0.artifacts.count == 2 && $0.artifacts[0].size >= 200 })
            var frame = try ManifestStreamingTests.manifest(jobs: [])
            frame.jobs = []
            #expect(try ManifestStreamingTests.streamed(frame, jobs: kept) == (try ManifestStreamingTests.manifest(jobs: byScan).encoded()))
        }
    }
}
