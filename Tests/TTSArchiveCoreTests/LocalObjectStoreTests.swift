import Crypto
import Foundation
import Testing
@testable import TTSArchiveCore

@Suite("Local object store")
struct LocalObjectStoreTests {
    func put(_ bytes: [UInt8], into store: LocalObjectStore, chunk: Int = 7919) throws -> StoredObject {
        let writer = try store.makeWriter()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            try bytes[offset..<end].withUnsafeBytes { try writer.write($0) }
            offset = end
        }
        return try writer.commit()
    }

    func read(_ digest: ContentDigest, from store: LocalObjectStore) throws -> [UInt8] {
        var out: [UInt8] = []
        try store.readObject(digest) { out.append(contentsOf: $0) }
        return out
    }

    @Test("round trips", arguments: [0, 1, 511, 512, 513, 1 << 20, 9 * (1 << 20) + 17])
    func roundTrip(size: Int) throws {
        let dir = TestDirectory("rt")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        let bytes = sampleBytes(count: size, seed: UInt64(size))
        let object = try put(bytes, into: store)
        #expect(object.digest.hex == SHA256.hash(data: bytes).hexString)
        #expect(object.size == Int64(size))
        #expect(object.isNew)
        #expect(try read(object.digest, from: store) == bytes)
        let path = dir.sub("a/" + object.digest.objectPath)
        #expect(POSIXFile.size(of: path) == object.storedSize)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).withUnsafeBytes { SHA256.hash(data: $0).hexString } == object.storedSHA256)
    }

    @Test func standardToolsReadTheArchive() throws {
        let dir = TestDirectory("gz")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        for (i, size) in [0, 1, 100_000, 3_000_000].enumerated() {
            let object = try put(sampleBytes(count: size, seed: UInt64(i)), into: store)
            let path = dir.sub("a/" + object.digest.objectPath)
            #expect(shell("gzip -t '\(path)'").status == 0)
            let printed = shell("gunzip -c '\(path)' | sha256sum").output
            #expect(printed.hasPrefix(object.digest.hex))
        }
    }

    @Test func secondWriteIsDeduplicatedAndIdentical() throws {
        let dir = TestDirectory("dd")
        let one = try LocalObjectStore(root: dir.sub("one"), create: true)
        let two = try LocalObjectStore(root: dir.sub("two"), create: true)
        let bytes = sampleBytes(count: 300_000, seed: 42)
        let first = try put(bytes, into: one, chunk: 1000)
        let again = try put(bytes, into: one, chunk: 65536)
        let elsewhere = try put(bytes, into: two, chunk: 3)
        #expect(first.isNew && !again.isNew && elsewhere.isNew)
        #expect(first.storedSHA256 == again.storedSHA256)
        // Same content, same zlib, any chunking: byte-identical files.
        #expect(first.storedSHA256 == elsewhere.storedSHA256)
        #expect(try store(one).listEntries().count == 1)
    }

    private func store(_ s: LocalObjectStore) -> LocalObjectStore { s }

    @Test func textAndBinaryProfilesAreChosenByContent() {
        #expect(CompressionChoice.profile(forPrefix: Array("{\"a\": 1}\n".utf8)) == CompressionChoice.text)
        #expect(CompressionChoice.profile(forPrefix: Array("1\r\n00:00:00,000 --> 00:00:01,000\r\n".utf8)) == CompressionChoice.text)
        #expect(CompressionChoice.profile(forPrefix: Array("RIFF\u{0}\u{0}WAVE".utf8)) == CompressionChoice.binary)
        #expect(CompressionChoice.profile(forPrefix: [0x49, 0x44, 0x33, 4, 0]) == CompressionChoice.binary)
        #expect(CompressionChoice.profile(forPrefix: [0x10, 0x00, 0xff, 0x7f]) == CompressionChoice.binary)
    }

    @Test func abandonedWriterLeavesNothing() throws {
        let dir = TestDirectory("ab")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        let writer = try store.makeWriter()
        try sampleBytes(count: 10_000, seed: 1).withUnsafeBytes { try writer.write($0) }
        writer.abandon()
        #expect(try store.listEntries().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("a/tmp")).isEmpty)
    }

    @Test func verifyReportsFlippedTruncatedStrayAndCleanObjects() throws {
        let dir = TestDirectory("vf")
        let root = dir.sub("a")
        let store = try LocalObjectStore(root: root, create: true)
        let good = try put(sampleBytes(count: 200_000, seed: 1), into: store)
        let flipped = try put(sampleBytes(count: 200_000, seed: 2), into: store)
        let truncated = try put(sampleBytes(count: 200_000, seed: 3), into: store)
        #expect(try StoreVerifier(store: store).run().isClean)

        let flipPath = root + "/" + flipped.digest.objectPath
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: flipPath)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: flipPath))
        let cutPath = root + "/" + truncated.digest.objectPath
        let whole = try Data(contentsOf: URL(fileURLWithPath: cutPath))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cutPath))
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/sha256/" + String(good.digest.hex.prefix(2)) + "/junk.gz"))

        let report = try StoreVerifier(store: store, parallelism: 2).run()
        #expect(report.objectsChecked == 3)
        let byPath = Dictionary(report.problems.map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath[flipped.digest.objectPath] == .corrupt)
        #expect(byPath[truncated.digest.objectPath] == .truncated)
        #expect(byPath["sha256/\(good.digest.hex.prefix(2))/junk.gz"] == .stray)
        #expect(byPath[good.digest.objectPath] == nil)
        #expect(report.problems.count == 3)

        // A missing object is reported when something names it.
        try FileManager.default.removeItem(atPath: root + "/" + good.digest.objectPath)
        guard case .failure(let problem) = StoreVerifier(store: store).check(good.digest) else {
            Issue.record("a missing object verified")
            return
        }
        #expect(problem.kind == .missing)
    }

    @Test func refusesADirectoryThatIsNotAStore() throws {
        let dir = TestDirectory("ns")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: dir.sub("file.txt")))
        #expect(throws: StoreError.self) { try LocalObjectStore(root: dir.path, create: true) }
        #expect(throws: StoreError.self) { try LocalObjectStore(root: dir.sub("absent"), create: false) }
        // An empty directory with just a README becomes a store.
        let fresh = dir.sub("fresh")
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        try Data("# readme".utf8).write(to: URL(fileURLWithPath: fresh + "/README.md"))
        _ = try LocalObjectStore(root: fresh, create: true)
        #expect(FileManager.default.fileExists(atPath: fresh + "/STORE"))
    }

    @Test func sweepRemovesDeadWritersTempFilesOnly() throws {
        let dir = TestDirectory("sw")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        let live = try store.makeWriter()
        try [1, 2, 3].withUnsafeBytes { try live.write($0) }
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: ".", with: "_")
        // PID 2^22+7 is above Linux's pid_max default range, so no process has it.
        let dead = dir.sub("a/tmp/\(host).4194311.1.tmp")
        try Data([1]).write(to: URL(fileURLWithPath: dead))
        #expect(store.sweepTemporaries() == 1)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("a/tmp")).count == 1)
        _ = try live.commit()
    }

    @Test func concurrentWritersOfTheSameContent() async throws {
        let dir = TestDirectory("cw")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        let bytes = sampleBytes(count: 500_000, seed: 9)
        let results = try await withThrowingTaskGroup(of: StoredObject.self) { group in
            for _ in 0..<8 {
                group.addTask { try await Blocking.run { try put(bytes, into: store) } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.isNew).count == 1)
        #expect(Set(results.map(\.digest)).count == 1)
        #expect(Set(results.map(\.storedSHA256)).count == 1)
        #expect(try StoreVerifier(store: store).run().isClean)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("a/tmp")).isEmpty)
    }
}
