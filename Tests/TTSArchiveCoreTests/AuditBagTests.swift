import Crypto
import Foundation
import Testing
@testable import TTSArchiveCore

/// Runs the reference BagIt validator (PyPI `bagit`); its exit status, or nil when it is not
/// installed (`python3 -m pip install --user bagit`), which fails the calling test.
func bagitValidate(_ directory: String) -> Int32? {
    guard shell("python3 -c 'import bagit' 2>/dev/null").status == 0 else { return nil }
    return shell("python3 -m bagit --validate '\(directory)' 2>/dev/null").status
}

/// Every regular file under `root`, by relative path, with its bytes.
func tree(_ root: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let name = enumerator?.nextObject() as? String {
        if let data = FileManager.default.contents(atPath: root + "/" + name), enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
            files[name] = data
        }
    }
    return files
}

@Suite("BagIt export")
struct AuditBagTests {
    func plan(_ fixture: AuditFixture, run: Int = 0) throws -> BagPlan {
        BagPlan(payload: try RunPayload.load(runID: fixture.runIDs[run], manifestsPath: fixture.manifestsPath))
    }

    @Test func bagInfoComesFromTheRunNotTheClock() async throws {
        let fixture = try await AuditFixture(runs: 2)
        let plan = try plan(fixture, run: 1)
        let info = String(decoding: try #require(plan.tagFiles.first { $0.name == "bag-info.txt" }).bytes, as: UTF8.self)
        let manifest = try fixture.manifest(fixture.runIDs[1])
        #expect(info.contains("External-Identifier: \(fixture.runIDs[1])\n"))
        #expect(info.contains("Bagging-Date: \(manifest.finishedAt.prefix(10))\n"))
        #expect(info.contains("Source-Organization: Huawei Cloud MetaStudio project p\n"))
        let bytes = manifest.jobs.flatMap(\.artifacts).reduce(Int64(0)) { $0 + $1.size }
        #expect(info.contains("Payload-Oxum: \(bytes).4\n"))
        #expect(plan.tagFiles.map(\.name) == ["bag-info.txt", "bagit.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "ttsarchive-manifest.json"])
        // The manifest tag file is the chain's file, byte for byte.
        let tag = try #require(plan.tagFiles.first { $0.name == BagPlan.manifestTagFile })
        #expect(SHA256.hash(data: tag.bytes).hexString == (try fixture.headSHA()))
    }

    @Test func twoExportsAreIdenticalAndPassTheReferenceValidator() async throws {
        let fixture = try await AuditFixture(runs: 1, jobsPerRun: AuditRestoreTests.hostile.count, jobIDs: AuditRestoreTests.hostile)
        let plan = try plan(fixture)
        let exporter = BagItExporter(store: fixture.store, parallelism: 2)
        let (one, two) = (fixture.dir.sub("bags/one"), fixture.dir.sub("bags/two"))
        try await exporter.writeDirectory(plan, to: one)
        try await exporter.writeDirectory(try self.plan(fixture), to: two)
        let first = tree(one)
        #expect(first.count == 5 + AuditRestoreTests.hostile.count * 2)
        #expect(first == tree(two))
        #expect(bagitValidate(one) == 0, "bagit.py rejects the bag (or is not installed: python3 -m pip install --user bagit)")
        // One payload byte changed: the validator must refuse it.
        let victim = try #require(first.keys.sorted().first { $0.hasPrefix("data/") && $0.hasSuffix(".wav") })
        try AuditFixture.mutate(one + "/" + victim) { $0[100] ^= 0x01 }
        #expect(bagitValidate(one).map { $0 != 0 } == true)
        // An existing, non-empty output is refused.
        await #expect(throws: AuditError(.targetExists([two]))) { try await exporter.writeDirectory(plan, to: two) }
    }

    @Test func tarAndTarGzAreDeterministicAndHoldTheSameBag() async throws {
        let fixture = try await AuditFixture(runs: 1, jobsPerRun: 3, jobIDs: ["a", String(repeating: "long-job-id-", count: 12), "c"])
        let plan = try plan(fixture)
        let exporter = BagItExporter(store: fixture.store)
        for name in ["1.tar", "2.tar"] { try await exporter.writeTar(plan, to: fixture.dir.sub(name), gzip: false) }
        for name in ["1.tar.gz", "2.tar.gz"] { try await exporter.writeTar(plan, to: fixture.dir.sub(name), gzip: true) }
        let tar = try Data(contentsOf: URL(fileURLWithPath: fixture.dir.sub("1.tar")))
        #expect(tar == (try Data(contentsOf: URL(fileURLWithPath: fixture.dir.sub("2.tar")))))
        #expect(tar.count % TarWriter.recordSize == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.dir.sub("1.tar.gz"))) == (try Data(contentsOf: URL(fileURLWithPath: fixture.dir.sub("2.tar.gz")))))
        #expect(shell("gzip -dc '\(fixture.dir.sub("1.tar.gz"))' | cmp -s - '\(fixture.dir.sub("1.tar"))'").status == 0)
        // GNU tar lists the entries sorted, with the long (pax) name intact, owned by 0/0.
        let listing = shell("tar -tvf '\(fixture.dir.sub("1.tar"))'").output.split(separator: "\n")
        let names = listing.map { String($0.split(separator: " ").last!) }
        #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(names.contains("\(fixture.runIDs[0])/data/\(String(repeating: "long-job-id-", count: 12))/audio-0.wav"))
        #expect(listing.allSatisfy { $0.contains(" 0/0 ") })
        // Extracted, it is the folder export, and the validator accepts it.
        try FileManager.default.createDirectory(atPath: fixture.dir.sub("x"), withIntermediateDirectories: true)
        #expect(shell("tar -xf '\(fixture.dir.sub("1.tar"))' -C '\(fixture.dir.sub("x"))'").status == 0)
        try await exporter.writeDirectory(plan, to: fixture.dir.sub("folder"))
        #expect(tree(fixture.dir.sub("x/" + fixture.runIDs[0])) == tree(fixture.dir.sub("folder")))
        #expect(bagitValidate(fixture.dir.sub("x/" + fixture.runIDs[0])) == 0)
    }

    @Test func damagedObjectLeavesNoBagAndNoTar() async throws {
        let fixture = try await AuditFixture(runs: 1)
        let plan = try plan(fixture)
        try AuditFixture.mutate(fixture.objectFile(fixture.objects[1])) { $0.removeLast(9) }
        let exporter = BagItExporter(store: fixture.store)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: fixture.dir.path))
        await #expect(performing: { try await exporter.writeDirectory(plan, to: fixture.dir.sub("bag")) }, throws: { ($0 as? AuditError)?.exitCode == 5 })
        await #expect(performing: { try await exporter.writeTar(plan, to: fixture.dir.sub("bag.tar"), gzip: false) }, throws: { ($0 as? AuditError)?.exitCode == 5 })
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: fixture.dir.path)) == before)
    }

    @Test func tarHeadersMatchTheStandard() async throws {
        var out: [UInt8] = []
        let tar = TarWriter(mtime: 1_700_000_000) { out.append(contentsOf: $0) }
        let long = "top/" + String(repeating: "d", count: 120) + "/" + String(repeating: "f", count: 120)
        try tar.addDirectory("top")
        try tar.addFile("top/a.txt", bytes: Array("hello\n".utf8))
        try tar.addFile(long, bytes: [1, 2, 3])
        try tar.finish()
        let directory = TestDirectory("tar")
        try Data(out).write(to: URL(fileURLWithPath: directory.sub("t.tar")))
        // Python's tarfile checks each header's checksum and reads pax records.
        let script = "import tarfile,sys; t=tarfile.open(sys.argv[1]); print('|'.join(f'{m.name}:{m.size}:{m.mtime}:{m.uid}:{m.mode:o}' for m in t))"
        let listed = shell("python3 -c \"\(script)\" '\(directory.sub("t.tar"))'").output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(listed == "top:0:1700000000:0:755|top/a.txt:6:1700000000:0:644|\(long):3:1700000000:0:644")
        #expect(throws: TarWriter.Failure.sizeMismatch(path: "x", declared: 2, written: 3)) {
            let bad = TarWriter(mtime: 0) { _ in }
            try bad.beginFile("x", size: 2)
            try [UInt8]([1, 2, 3]).withUnsafeBytes { try bad.write($0) }
        }
    }
}
