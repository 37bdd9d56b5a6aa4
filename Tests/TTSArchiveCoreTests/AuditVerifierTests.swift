import Foundation
import Testing
@testable import TTSArchiveCore

@Suite("Manifest verification: each kind of damage is caught and named")
struct AuditVerifierTests {
    @Test func cleanArchiveVerifies() async throws {
        let fixture = try await AuditFixture()
        let report = try await fixture.verify()
        #expect(report.isClean, "\(report.problems)")
        #expect(report.chain == fixture.runIDs.reversed().map { "\($0).json" })
        #expect(report.manifestsChecked == 3)
        #expect(report.artifactsChecked == 12)
        // 3 runs × (2 texts + 1 audio); the first run's audio is shared by 4 entries.
        #expect(fixture.objects.count == 9)
        #expect(report.objectsChecked == 9)
        #expect(report.bytesChecked > 100_000)
        #expect(try await fixture.verify(quick: true).isClean)
        #expect(try await fixture.verify(expectHead: try fixture.headSHA()).isClean)
    }

    @Test func editedManifestIsNamedWithBothDigests() async throws {
        let fixture = try await AuditFixture()
        let middle = fixture.manifestFile(fixture.runIDs[1])
        let before = try #require(try fixture.manifest(fixture.runIDs[2]).previousManifest?.sha256)
        try AuditFixture.mutate(middle) { bytes in
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\"complete\" : true", with: "\"complete\" : false")
            bytes = Array(text.utf8)
        }
        let report = try await fixture.verify()
        let edited = report.problems(.edited)
        #expect(edited.count == 1)
        #expect(edited.first?.path == middle)
        #expect(edited.first?.detail.contains("\(fixture.runIDs[2]).json's link says \(before)") == true)
        // The walk goes on past the edited file: the oldest is still in the chain.
        #expect(report.chain.count == 3)
        #expect(report.problems.count == 1, "\(report.problems)")
    }

    @Test func deletedMiddleManifestIsMissingAndOlderOnesUnreachable() async throws {
        let fixture = try await AuditFixture()
        try FileManager.default.removeItem(atPath: fixture.manifestFile(fixture.runIDs[1]))
        let report = try await fixture.verify()
        let missing = report.problems(.missingManifest)
        #expect(missing.map(\.path) == [fixture.manifestFile(fixture.runIDs[1])])
        #expect(missing.first?.detail == "missing (named by \(fixture.runIDs[2]).json)")
        let unreachable = report.problems(.unreachable)
        #expect(unreachable.map(\.path) == [fixture.manifestFile(fixture.runIDs[0])])
        #expect(unreachable.first?.detail.contains("the chain breaks at \(fixture.runIDs[1]).json") == true)
        #expect(report.chain == ["\(fixture.runIDs[2]).json"])
    }

    @Test func newestManifestRemovedIsCaughtOnlyByTheKeptHead() async throws {
        let fixture = try await AuditFixture()
        let kept = try fixture.headSHA()
        // Remove the newest manifest and point HEAD at the one before, as a careful forger would.
        let previous = try #require(try fixture.manifest(fixture.runIDs[2]).previousManifest)
        try FileManager.default.removeItem(atPath: fixture.manifestFile(fixture.runIDs[2]))
        let head = "{\"file\":\"\(previous.runID).json\",\"run_id\":\"\(previous.runID)\",\"sha256\":\"\(previous.sha256)\"}\n"
        try head.write(toFile: fixture.manifestsPath + "/HEAD.json", atomically: true, encoding: .utf8)
        #expect(try await fixture.verify().isClean)
        let report = try await fixture.verify(expectHead: kept)
        #expect(report.problems.map(\.kind) == [.headMismatch])
        #expect(report.problems.first?.detail.contains(kept) == true)
    }

    @Test func missingObjectIsNamedWithItsManifestEntries() async throws {
        let fixture = try await AuditFixture()
        let text = fixture.objects[1]
        try FileManager.default.removeItem(atPath: fixture.objectFile(text))
        for quick in [false, true] {
            let report = try await fixture.verify(quick: quick)
            #expect(report.problems.map(\.kind) == [.missing], "\(report.problems)")
            #expect(report.problems.first?.path == text.path)
            #expect(report.problems.first?.references.first?.jobID == "job0000")
            #expect(report.problems.first?.detail.contains("\(fixture.runIDs[0]).json job job0000 timestamps[0]") == true)
        }
    }

    @Test func flippedByteIsCorrupt() async throws {
        let fixture = try await AuditFixture()
        let audio = fixture.objects[0]
        try AuditFixture.mutate(fixture.objectFile(audio)) { $0[$0.count / 2] ^= 0x01 }
        let report = try await fixture.verify()
        #expect(report.problems.map(\.kind).contains(.corrupt), "\(report.problems)")
        #expect(report.problems.filter { $0.kind == .corrupt }.map(\.path) == [audio.path])
        // The shared audio is named by every run; the problem says how many entries.
        #expect(report.problems.first { $0.kind == .corrupt }?.detail.contains("and 1 more") == true)
    }

    @Test func truncatedObjectIsTruncated() async throws {
        let fixture = try await AuditFixture()
        let audio = fixture.objects[3]
        try AuditFixture.mutate(fixture.objectFile(audio)) { $0.removeLast($0.count / 3) }
        let report = try await fixture.verify()
        #expect(report.problems.contains { $0.kind == .truncated && $0.path == audio.path }, "\(report.problems)")
        // Quick mode sees it too: the stored size no longer matches.
        let quick = try await fixture.verify(quick: true)
        #expect(quick.problems.contains { $0.path == audio.path && [.storedMismatch, .wrongSize].contains($0.kind) }, "\(quick.problems)")
    }

    @Test func wrongSizeInARechainedManifestIsNamed() async throws {
        let fixture = try await AuditFixture()
        let runID = fixture.runIDs[1]
        try fixture.rewriteAndRechain(runID) { manifest in
            manifest.jobs[0].artifacts[1].size += 5
            manifest.counts.bytes += 5
        }
        let target = try fixture.manifest(runID).jobs[0].artifacts[1]
        for quick in [false, true] {
            let report = try await fixture.verify(quick: quick)
            #expect(report.problems.map(\.kind) == [.wrongSize], "\(report.problems)")
            #expect(report.problems.first?.path == target.object)
            #expect(report.problems.first?.detail.contains("but the manifest says \(target.size)") == true)
            #expect(report.problems.first?.references.first?.manifest == "\(runID).json")
        }
    }

    @Test func storedSizeAndDigestMismatchIsNamed() async throws {
        let fixture = try await AuditFixture()
        try fixture.rewriteAndRechain(fixture.runIDs[2]) { manifest in
            manifest.jobs[0].artifacts[0].storedSHA256 = String(repeating: "0", count: 64)
        }
        let report = try await fixture.verify()
        #expect(report.problems.map(\.kind) == [.storedMismatch])
        #expect(report.problems.first?.detail.contains("stored sha256 is") == true)
    }

    @Test func strayFilesAndUnreachableManifestsAreReported() async throws {
        let fixture = try await AuditFixture()
        try Data("x".utf8).write(to: URL(fileURLWithPath: fixture.archivePath + "/sha256/zz"))
        try FileManager.default.copyItem(atPath: fixture.manifestFile(fixture.runIDs[0]), toPath: fixture.manifestsPath + "/20250101T000000Z-beef.json")
        let report = try await fixture.verify()
        #expect(report.problems.contains { $0.kind == .stray && $0.path == "sha256/zz" })
        let renamed = report.problems.filter { $0.path.hasSuffix("20250101T000000Z-beef.json") }.map(\.kind)
        #expect(renamed == [.unreachable])
    }

    @Test func swappedManifestsAreRenamedAndEdited() async throws {
        let fixture = try await AuditFixture()
        let (a, b) = (fixture.manifestFile(fixture.runIDs[0]), fixture.manifestFile(fixture.runIDs[1]))
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        try Data(contentsOf: URL(fileURLWithPath: b)).write(to: URL(fileURLWithPath: a))
        try bytesA.write(to: URL(fileURLWithPath: b))
        let report = try await fixture.verify()
        let kinds = Set(report.problems.filter { $0.path == b }.map(\.kind))
        #expect(kinds.isSuperset(of: [.edited, .renamed]), "\(report.problems)")
        #expect(report.problems.contains { $0.kind == .renamed && $0.detail.contains("holds the manifest of run \(fixture.runIDs[0])") })
    }

    @Test func reorderedChainIsOutOfOrder() async throws {
        let fixture = try await AuditFixture()
        // Make the middle run claim to have finished after the newest one, re-chaining to hide the edit.
        try fixture.rewriteAndRechain(fixture.runIDs[1]) { $0.finishedAt = "2027-01-01T00:00:00Z" }
        let report = try await fixture.verify()
        #expect(report.problems.map(\.kind) == [.outOfOrder], "\(report.problems)")
        #expect(report.problems.first?.path == fixture.manifestFile(fixture.runIDs[1]))
    }

    @Test func missingOrBrokenHeadIsReported() async throws {
        let fixture = try await AuditFixture()
        try FileManager.default.removeItem(atPath: fixture.manifestsPath + "/HEAD.json")
        let report = try await fixture.verify()
        #expect(report.problems.filter { $0.kind == .head }.count == 1)
        #expect(report.problems.filter { $0.kind == .unreachable }.count == 3)
        try "{\"file\":\"../../etc/passwd\",\"run_id\":\"x\",\"sha256\":\"00\"}".write(toFile: fixture.manifestsPath + "/HEAD.json", atomically: true, encoding: .utf8)
        #expect(try await fixture.verify().problems.contains { $0.kind == .head && $0.detail.contains("../../etc/passwd") })
    }

    @Test func unusableManifestsFolderThrows() async throws {
        let fixture = try await AuditFixture()
        let file = fixture.dir.sub("not-a-folder")
        try Data().write(to: URL(fileURLWithPath: file))
        await #expect(throws: TTSArchiveError.self) {
            try await ManifestVerifier(store: fixture.store, manifestsPath: file).verifyAll()
        }
        await #expect(throws: TTSArchiveError.self) {
            try await ManifestVerifier(store: fixture.store, manifestsPath: fixture.dir.sub("nowhere")).verifyAll()
        }
    }

    @Test func singleManifestChecksItsObjectsAndItsLink() async throws {
        let fixture = try await AuditFixture()
        let newest = fixture.manifestFile(fixture.runIDs[2])
        let verifier = ManifestVerifier(store: fixture.store, manifestsPath: nil, parallelism: 2)
        #expect(try await verifier.verifyFile(newest).isClean)
        try AuditFixture.mutate(fixture.manifestFile(fixture.runIDs[1])) { $0.append(0x0a) }
        let report = try await verifier.verifyFile(newest)
        #expect(report.problems.map(\.kind) == [.edited])
        #expect(report.problems.first?.path == fixture.manifestFile(fixture.runIDs[1]))
        let expected = ManifestVerifier(store: fixture.store, manifestsPath: nil, expectedHead: String(repeating: "a", count: 64))
        #expect(try await expected.verifyFile(fixture.manifestFile(fixture.runIDs[0])).problems.map(\.kind) == [.headMismatch])
    }

    @Test func chainLookupTellsRecordedEditedAndUnreachable() async throws {
        let fixture = try await AuditFixture()
        func standing(_ run: Int) throws -> ChainLookup.Standing {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.manifestFile(fixture.runIDs[run]))))
            return ChainLookup.standing(of: fixture.runIDs[run], bytes: bytes, manifestsPath: fixture.manifestsPath)
        }
        #expect(try (0..<3).map(standing) == [.recorded, .recorded, .recorded])
        try AuditFixture.mutate(fixture.manifestFile(fixture.runIDs[1])) { $0.append(0x0a) }
        guard case .differs = try standing(1) else { Issue.record("an edited manifest must differ"); return }
        #expect(try standing(0) == .recorded, "the walk follows the edited file's own link")
        try FileManager.default.removeItem(atPath: fixture.manifestFile(fixture.runIDs[1]))
        #expect(try standing(0) == .unreachable)
    }
}
