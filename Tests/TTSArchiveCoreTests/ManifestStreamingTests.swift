import Crypto
import Foundation
import Testing
@testable import TTSArchiveCore

/// The manifest is written job by job (from the run journal) instead of encoded whole; its
/// bytes, and so the hash chain, must be exactly those of the whole encoding.
@Suite("Manifest streaming")
struct ManifestStreamingTests {
    static func artifact(_ kind: ArtifactKind, _ index: Int, size: Int64, checks: [String], duration: Double? = nil) -> ManifestArtifact {
        let digest = String(repeating: String(index), count: 64)
        var artifact = ManifestArtifact(
            kind: kind, fileIndex: index, sha256: digest, size: size, storedSize: size / 2, storedSHA256: String(repeating: "f", count: 64),
            object: "sha256/\(digest.prefix(2))/\(digest).gz", mediaType: kind == .audio ? "audio/wav" : "application/json",
            checks: checks, source: "https://obs.example.com/b/k/\(index)/\(kind.rawValue)")
        artifact.audioDuration = duration
        return artifact
    }

    static func jobs() -> [ManifestJob] {
        var bare = ManifestJob(jobID: "a-no-artifacts")
        bare.audioFormat = "wav"
        var full = ManifestJob(jobID: "b-job ü/ß \"quoted\" \\ tab\t")
        full.assetID = "asset-1"
        full.createTime = "2025-06-09T10:48:07Z"
        full.textLength = 1200
        full.audioFormat = "mp3"
        full.artifacts = [
            artifact(.audio, 0, size: 123_456, checks: ["wav-header", "content-length"], duration: 0.1185),
            artifact(.timestamps, 0, size: 77, checks: []),
            artifact(.subtitles, 1, size: 9, checks: ["srt-parses"]),
        ]
        var last = ManifestJob(jobID: "c")
        last.audioFormat = "pcm"
        last.artifacts = [artifact(.audio, 0, size: 1, checks: ["pcm-whole-samples"], duration: 3)]
        return [bare, full, last]
    }

    static func manifest(jobs: [ManifestJob]) throws -> Manifest {
        var counts = ManifestCounts()
        counts.jobsByState = ["SUCCEED": 3, "FAILED": 1]
        var manifest = Manifest(
            runID: "r1", startedAt: "2025-06-09T00:00:00Z", finishedAt: "2025-06-09T00:10:00Z", complete: false,
            tool: ["name": "ttsarchive", "version": "0"], source: ["provider": "huaweicloud.metastudio", "endpoint": "https://x/y"],
            window: RunWindowRecord(try TimeWindow(since: Date(timeIntervalSince1970: 0), until: Date(timeIntervalSince1970: 60))),
            previousManifest: ManifestLink(runID: "r0", sha256: String(repeating: "e", count: 64)), jobs: jobs,
            failures: [ManifestFailure(jobID: "d", kind: nil, fileIndex: nil, error: "gone", attempts: 1)], counts: counts)
        manifest.pending = [ManifestPendingJob(jobID: "p", state: "WAITING", createTime: nil)]
        return manifest
    }

    static func streamed(_ manifest: Manifest, jobs: some ManifestJobSource) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try manifest.stream(jobs: jobs) { bytes.append(contentsOf: $0) }
        return bytes
    }

    @Test(arguments: [0, 1, 3])
    func streamedBytesEqualTheWholeEncoding(count: Int) throws {
        let jobs = Array(Self.jobs().prefix(count))
        let whole = try Self.manifest(jobs: jobs).encoded()
        var frame = try Self.manifest(jobs: jobs)
        frame.jobs = []
        #expect(try Self.streamed(frame, jobs: jobs) == whole)
    }

    @Test func appendHashesWhatItWrites() throws {
        let dir = TestDirectory("manifest-stream")
        let manifests = try ManifestDirectory(path: dir.sub("m"))
        let manifest = try Self.manifest(jobs: Self.jobs())
        let head = try manifests.append(manifest)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.sub("m/\(head.file)"))))
        #expect(bytes == (try manifest.encoded()))
        #expect(SHA256.hash(data: bytes).hexString == head.sha256)
    }

    @Test func theJournalIndexGivesTheRunsJobs() async throws {
        let dir = TestDirectory("manifest-index")
        let path = dir.sub("active.journal")
        let journal = try RunJournal(path: path)
        let jobs = Self.jobs()
        var run = JournalRecord(type: .run)
        run.runID = "r1"
        try await journal.append(run)
        // Out of order, a job listed twice, an artifact stored twice (the last counts) and one
        // of a job never taken: the manifest has what the run always had.
        for job in jobs.reversed() + [jobs[1]] {
            var record = JournalRecord(type: .job)
            var bare = job
            bare.artifacts = []
            record.job = bare
            try await journal.append(record)
        }
        var stale = jobs[1].artifacts[0]
        stale.size = 1
        for (jobID, artifact) in [(jobs[1].jobID, stale)] + jobs.flatMap({ job in job.artifacts.reversed().map { (job.jobID, $0) } })
            + [("never-taken", stale)] {
            var record = JournalRecord(type: .artifact)
            record.jobID = jobID
            record.artifact = artifact
            try await journal.append(record)
        }
        try await journal.close()
        let index = try ManifestJobIndex(journal: path)
        #expect(index.jobCount == 3)
        #expect(index.artifactCount == 4)
        #expect(index.bytes == jobs.flatMap(\.artifacts).reduce(0) { $0 + $1.size })
        var frame = try Self.manifest(jobs: [])
        frame.jobs = []
        #expect(try Self.streamed(frame, jobs: index) == (try Self.manifest(jobs: jobs).encoded()))
    }
}

@Suite("Manifest chain tip")
struct ManifestChainTipTests {
    /// A run killed after writing its manifest but before moving HEAD must not leave that
    /// manifest off the chain: the next one links to it.
    @Test func aManifestThatNeverBecameHeadIsLinkedNext() throws {
        let dir = TestDirectory("chain-tip")
        let manifests = try ManifestDirectory(path: dir.sub("m"))
        var manifest = try ManifestStreamingTests.manifest(jobs: [])
        manifest.previousManifest = nil
        manifest.runID = "20250609T000000Z-0001"
        // The first manifest ever, written without HEAD (killed at that instant).
        let orphan = try manifest.encoded()
        try Data(orphan).write(to: URL(fileURLWithPath: dir.sub("m/\(manifest.runID).json")))
        #expect(try manifests.chainTip() == ManifestLink(runID: manifest.runID, sha256: SHA256.hash(data: orphan).hexString))
        // A normal append moves HEAD; a stray older or unrelated file changes nothing.
        manifest.previousManifest = try manifests.chainTip()
        manifest.runID = "20250610T000000Z-0002"
        let head = try manifests.append(manifest)
        var unrelated = manifest
        unrelated.runID = "20250611T000000Z-0003"
        unrelated.previousManifest = ManifestLink(runID: "elsewhere", sha256: String(repeating: "0", count: 64))
        try Data(try unrelated.encoded()).write(to: URL(fileURLWithPath: dir.sub("m/\(unrelated.runID).json")))
        #expect(try manifests.chainTip() == ManifestLink(runID: head.runID, sha256: head.sha256))
    }
}
