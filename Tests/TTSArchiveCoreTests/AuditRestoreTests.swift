import Crypto
import Foundation
import Testing
@testable import TTSArchiveCore

@Suite("Restore, and job ids that must never become paths")
struct AuditRestoreTests {
    static let hostile = ["../../etc/passwd", "..", ".", "a/b", "%2e%2e%2f", "/abs", "job\nid", "+2E."]

    /// Reads an escaped name back, to prove no information is lost.
    func unescape(_ name: String) -> String {
        var out: [UInt8] = []
        var bytes = Array(name.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)!)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func hostileIDsBecomeOneHarmlessComponent() async throws {
        #expect(try SafePathComponent("../../etc/passwd").value == "+2E.+2F..+2Fetc+2Fpasswd")
        #expect(try SafePathComponent("..").value == "+2E.")
        #expect(try SafePathComponent(".").value == "+2E")
        #expect(try SafePathComponent("job_1-a.b").value == "job_1-a.b")
        #expect(throws: UnsafeNameError(raw: "", reason: .empty)) { try SafePathComponent("") }
        #expect(throws: UnsafeNameError.self) { try SafePathComponent(String(repeating: "/", count: 100)) }
        #expect(try SafePathComponent(String(repeating: "a", count: 255)).value.count == 255)
    }

    @Test func escapingIsSafeAndInjectiveOnRandomIDs() async throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["/", ".", "\\", "%", "+", "\0", "\n", " ", "a", "Z", "9", "-", "_", "é", "語", "~"]
        var seen: [String: String] = [:]
        for _ in 0..<3000 {
            let raw = String((0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let safe = try SafePathComponent(raw).value
            #expect(safe != "." && safe != ".." && !safe.hasPrefix("."))
            #expect(safe.unicodeScalars.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+".unicodeScalars.contains($0) })
            #expect(!safe.contains("/") && !safe.contains("%"))
            #expect(unescape(safe) == raw)
            if let other = seen[safe] { #expect(other == raw) }
            seen[safe] = raw
        }
    }

    @Test func restoreOfHostileIDsNeverLeavesTheFolder() async throws {
        let fixture = try await AuditFixture(runs: 1, jobsPerRun: Self.hostile.count, jobIDs: Self.hostile)
        let out = fixture.dir.sub("deep/inside/out")
        let payload = try RunPayload.load(runID: fixture.runIDs[0], manifestsPath: fixture.manifestsPath)
        let report = try await Restorer(store: fixture.store, parallelism: 2).restore(payload, into: out, overwrite: false)
        #expect(report.exitCode == 0 && report.failures.isEmpty)
        #expect(report.written.count == Self.hostile.count * 2)
        // Every file the test directory holds is the archive's, the manifests', or under out/.
        let root = URL(fileURLWithPath: fixture.dir.path).resolvingSymlinksInPath().path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var restored: [String] = []
        while let name = enumerator.nextObject() as? String {
            let full = URL(fileURLWithPath: root + "/" + name).resolvingSymlinksInPath().path
            #expect(full.hasPrefix(root + "/"), "\(full) escaped")
            if name.hasPrefix("archive") || name.hasPrefix("manifests") { continue }
            #expect(name.hasPrefix("deep"), "\(name) written outside out/")
            if name.hasPrefix("deep/inside/out/"), (try? FileManager.default.attributesOfItem(atPath: full)[.type] as? FileAttributeType) == .typeRegular {
                restored.append(String(name.dropFirst("deep/inside/out/".count)))
            }
        }
        #expect(Set(restored) == Set(payload.files.map(\.relativePath)))
        #expect(Set(restored.map { unescape(String($0.split(separator: "/")[0])) }) == Set(Self.hostile))
        // Each folder is exactly one level below out/.
        #expect(restored.allSatisfy { $0.split(separator: "/").count == 2 })
    }

    @Test func restoredBytesAreTheOriginalsAndExistingFilesAreRefused() async throws {
        let fixture = try await AuditFixture(runs: 2)
        let out = fixture.dir.sub("out")
        let payload = try RunPayload.load(runID: fixture.runIDs[1], manifestsPath: fixture.manifestsPath)
        _ = try await Restorer(store: fixture.store).restore(payload, into: out, overwrite: false)
        let manifest = try fixture.manifest(fixture.runIDs[1])
        for job in manifest.jobs {
            for artifact in job.artifacts {
                let path = "\(out)/\(job.jobID)/\(artifact.kind.rawValue)-\(artifact.fileIndex).\(artifact.kind == .audio ? "wav" : "json")"
                #expect(shell("sha256sum '\(path)'").output.hasPrefix(artifact.sha256), "\(path)")
            }
        }
        await #expect(throws: AuditError(.targetExists(payload.files.map { "\(out)/\($0.relativePath)" }))) {
            try await Restorer(store: fixture.store).restore(payload, into: out, overwrite: false)
        }
        #expect(try await Restorer(store: fixture.store).restore(payload, into: out, overwrite: true).exitCode == 0)
        // Only some jobs, and an unknown one.
        let one = try RunPayload.load(runID: fixture.runIDs[1], manifestsPath: fixture.manifestsPath, jobs: ["job0100"])
        #expect(one.files.map(\.jobID) == ["job0100", "job0100"])
        #expect(throws: AuditError(.unknownJobs(["nope"]))) {
            try RunPayload.load(runID: fixture.runIDs[1], manifestsPath: fixture.manifestsPath, jobs: ["nope"])
        }
        #expect(throws: AuditError(.notARunID("../manifests/x"))) {
            try RunPayload.load(runID: "../manifests/x", manifestsPath: fixture.manifestsPath)
        }
    }

    @Test func damagedObjectLeavesNoFileAndSaysSo() async throws {
        let fixture = try await AuditFixture(runs: 1)
        let audio = fixture.objects[0]
        try AuditFixture.mutate(fixture.objectFile(audio)) { $0[$0.count / 2] ^= 0x10 }
        let out = fixture.dir.sub("out")
        let payload = try RunPayload.load(runID: fixture.runIDs[0], manifestsPath: fixture.manifestsPath)
        let report = try await Restorer(store: fixture.store).restore(payload, into: out, overwrite: false)
        #expect(report.exitCode == 5)
        #expect(Set(report.failures.map(\.path)) == ["job0000/audio-0.wav", "job0001/audio-0.wav"])
        #expect(report.written.sorted() == ["job0000/timestamps-0.json", "job0001/timestamps-0.json"])
        for job in ["job0000", "job0001"] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(out)/\(job)") == ["timestamps-0.json"], "no final or temp file")
        }
    }

    @Test func aSymlinkWhereAJobFolderGoesIsRefused() async throws {
        let fixture = try await AuditFixture(runs: 1)
        let out = fixture.dir.sub("out")
        let elsewhere = fixture.dir.sub("elsewhere")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/job0000", withDestinationPath: elsewhere)
        let payload = try RunPayload.load(runID: fixture.runIDs[0], manifestsPath: fixture.manifestsPath)
        await #expect(throws: AuditError(.unsafeTarget(path: out + "/job0000", found: "a symbolic link"))) {
            try await Restorer(store: fixture.store).restore(payload, into: out, overwrite: true)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }
}
