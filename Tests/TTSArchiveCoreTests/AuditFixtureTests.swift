import Crypto
import Foundation
import Testing
@testable import TTSArchiveCore

/// A real store holding a few objects and a real chain of manifests naming them, written the
/// way a run writes them (``ManifestDirectory/append(_:)``), to damage in tests.
struct AuditFixture {
    let dir = TestDirectory("audit")
    let store: LocalObjectStore
    let manifests: ManifestDirectory
    /// Run ids, oldest first.
    private(set) var runIDs: [String] = []
    /// Every object stored, in the order written.
    private(set) var objects: [StoredObject] = []

    var archivePath: String { dir.sub("archive") }
    var manifestsPath: String { dir.sub("manifests") }

    /// `runs` manifests of `jobsPerRun` jobs each; every job has audio (binary) and timestamps
    /// (text); the last job of each run shares its audio with the first run's first job.
    init(runs: Int = 3, jobsPerRun: Int = 2, jobIDs: [String]? = nil) async throws {
        store = try LocalObjectStore(root: dir.sub("archive"), create: true)
        manifests = try ManifestDirectory(path: dir.sub("manifests"))
        var shared: StoredObject?
        for run in 0..<runs {
            var jobs: [ManifestJob] = []
            for index in 0..<jobsPerRun {
                let id = jobIDs?[(run * jobsPerRun + index) % jobIDs!.count] ?? String(format: "job%02d%02d", run, index)
                var job = ManifestJob(TtsJob(jobID: id, createTime: "2026-01-01T00:00:00Z", jobState: .succeeded))
                let audio = index == jobsPerRun - 1 && shared != nil
                    ? shared! : try await put(Self.wav(seed: UInt64(run * 100 + index)))
                if shared == nil { shared = audio }
                let text = try await put(Array("{\"run\":\(run),\"job\":\(index),\"words\":[\"hello\",\"world\"]}".utf8))
                job.artifacts = [Self.artifact(.audio, audio), Self.artifact(.timestamps, text)]
                jobs.append(job)
            }
            try append(jobs: jobs.sorted { $0.jobID < $1.jobID }, run: run)
        }
    }

    mutating func put(_ bytes: [UInt8]) async throws -> StoredObject {
        let object = try await StoreUnderTest.put(bytes, into: store, chunk: bytes.count)
        objects.append(object)
        return object
    }

    private mutating func append(jobs: [ManifestJob], run: Int) throws {
        let runID = String(format: "20260101T%02d0000Z-%04x", run, run)
        var counts = ManifestCounts()
        counts.jobsListed = jobs.count
        counts.jobsByState = ["SUCCEED": jobs.count]
        counts.artifactsStored = jobs.reduce(0) { $0 + $1.artifacts.count }
        counts.bytes = jobs.reduce(0) { $0 + $1.artifacts.reduce(0) { $0 + $1.size } }
        let day = Date(timeIntervalSince1970: 1_767_225_600 + Double(run) * 86400)
        var manifest = Manifest(
            runID: runID, startedAt: Timestamp.format(day), finishedAt: Timestamp.format(day.addingTimeInterval(600)),
            complete: true, tool: ["name": "ttsarchive", "version": "test"],
            source: ["provider": "huaweicloud.metastudio", "endpoint": "http://127.0.0.1:1", "project_id": "p"],
            window: RunWindowRecord(try TimeWindow(since: day.addingTimeInterval(-86400), until: day)), previousManifest: nil,
            jobs: jobs, failures: [], counts: counts)
        if let head = try manifests.head() { manifest.previousManifest = ManifestLink(runID: head.runID, sha256: head.sha256) }
        try manifests.append(manifest)
        runIDs.append(runID)
    }

    static func artifact(_ kind: ArtifactKind, _ object: StoredObject) -> ManifestArtifact {
        ManifestArtifact(
            kind: kind, fileIndex: 0, sha256: object.digest.hex, size: object.size, storedSize: object.storedSize,
            storedSHA256: object.storedSHA256, object: object.path, mediaType: kind.mediaType(), checks: ["length"], source: "http://127.0.0.1/x")
    }

    /// A small RIFF/WAVE-looking binary payload.
    static func wav(seed: UInt64) -> [UInt8] { Array("RIFF".utf8) + sampleBytes(count: 40_000 + Int(seed % 7) * 1000, seed: seed) }

    func manifestFile(_ runID: String) -> String { "\(manifestsPath)/\(runID).json" }
    func objectFile(_ object: StoredObject) -> String { "\(archivePath)/\(object.path)" }

    func verify(quick: Bool = false, expectHead: String? = nil, includeStore: Bool = true) async throws -> ManifestVerification {
        try await ManifestVerifier(store: store, manifestsPath: manifestsPath, quick: quick, expectedHead: expectHead, parallelism: 2)
            .verifyAll(includeStore: includeStore)
    }

    func manifest(_ runID: String) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestFile(runID))))
    }

    /// Rewrites run `runID`'s manifest with `edit`, then re-links every later manifest and HEAD,
    /// as someone covering their tracks would: only a kept head digest can tell.
    func rewriteAndRechain(_ runID: String, _ edit: (inout Manifest) -> Void) throws {
        let start = try #require(runIDs.firstIndex(of: runID))
        var previous: ManifestLink? = start == 0 ? nil : {
            let id = runIDs[start - 1]
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: manifestFile(id)))) ?? Data()
            return ManifestLink(runID: id, sha256: SHA256.hash(data: bytes).hexString)
        }()
        for (offset, id) in runIDs[start...].enumerated() {
            var manifest = try self.manifest(id)
            if offset == 0 { edit(&manifest) }
            manifest.previousManifest = previous
            let head = try manifests.append(manifest)
            previous = ManifestLink(runID: head.runID, sha256: head.sha256)
        }
    }

    /// Rewrites a file in place with `change` applied to its bytes.
    static func mutate(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func headSHA() throws -> String { try #require(try manifests.head()).sha256 }
}

@Suite("Audit fixture")
struct AuditFixtureTests {
    @Test func fixtureIsARealChainThatStandardToolsAgreeWith() async throws {
        let fixture = try await AuditFixture()
        #expect(fixture.runIDs.count == 3)
        // The head digest is sha256sum of the newest file, and each link is the previous file's.
        let newest = fixture.manifestFile(fixture.runIDs[2])
        #expect(shell("sha256sum '\(newest)'").output.hasPrefix(try fixture.headSHA()))
        let middle = try fixture.manifest(fixture.runIDs[2]).previousManifest
        #expect(middle?.runID == fixture.runIDs[1])
        #expect(shell("sha256sum '\(fixture.manifestFile(fixture.runIDs[1]))'").output.hasPrefix(middle?.sha256 ?? "-"))
        #expect(try fixture.manifest(fixture.runIDs[0]).previousManifest == nil)
    }
}
