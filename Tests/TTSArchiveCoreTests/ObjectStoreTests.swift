import Crypto
import Foundation
import Testing
import TTSNative
import TTSTestSupport
@testable import TTSArchiveCore

/// The store's contract, on the local disk and on a real SeaweedFS through the S3 backend.
@Suite("Object store (local disk and S3)")
struct ObjectStoreTests {
    static let sizes = [0, 1, 511, 512, 513, 1 << 20, 9 * (1 << 20) + 17]

    @Test("round trips", arguments: StoreBackend.allCases, sizes)
    func roundTrip(backend: StoreBackend, size: Int) async throws {
        let subject = try await StoreUnderTest.make(backend, "rt")
        let bytes = sampleBytes(count: size, seed: UInt64(size))
        let object = try await subject.put(bytes)
        #expect(object.digest.hex == SHA256.hash(data: bytes).hexString)
        #expect(object.size == Int64(size))
        #expect(object.isNew)
        #expect(try await subject.read(object.digest) == bytes)
        let raw = try await subject.rawRead(object.digest.objectPath)
        #expect(Int64(raw.count) == object.storedSize)
        #expect(SHA256.hash(data: raw).hexString == object.storedSHA256)
    }

    @Test("the same content gives byte-identical objects on both backends") func sameBytesEverywhere() async throws {
        let local = try await StoreUnderTest.make(.local, "x1")
        let s3 = try await StoreUnderTest.make(.s3, "x2")
        for (i, size) in [10, 300_000, 6 << 20].enumerated() {
            let bytes = sampleBytes(count: size, seed: UInt64(100 + i))
            let a = try await local.put(bytes, chunk: 1000)
            let b = try await s3.put(bytes, chunk: 65536)
            #expect(a.digest == b.digest && a.storedSHA256 == b.storedSHA256 && a.storedSize == b.storedSize)
            #expect(try await local.rawRead(a.digest.objectPath) == s3.rawRead(b.digest.objectPath))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func standardToolsReadTheArchive(backend: StoreBackend) async throws {
        let subject = try await StoreUnderTest.make(backend, "gz")
        for (i, size) in [0, 1, 100_000, 3_000_000].enumerated() {
            let object = try await subject.put(sampleBytes(count: size, seed: UInt64(i)))
            #expect(try await subject.pipe(object.digest.objectPath, through: "gzip -t FILE").status == 0)
            let printed = try await subject.pipe(object.digest.objectPath, through: "gunzip -c FILE | sha256sum").output
            #expect(printed.hasPrefix(object.digest.hex))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func secondWriteIsDeduplicatedAndIdentical(backend: StoreBackend) async throws {
        let one = try await StoreUnderTest.make(backend, "dd1")
        let two = try await one.sibling("dd2")
        let bytes = sampleBytes(count: 300_000, seed: 42)
        let first = try await one.put(bytes, chunk: 1000)
        let again = try await one.put(bytes, chunk: 65536)
        let elsewhere = try await two.put(bytes, chunk: 3)
        #expect(first.isNew && !again.isNew && elsewhere.isNew)
        #expect(first.storedSHA256 == again.storedSHA256)
        // Same content, same zlib, any chunking: byte-identical files.
        #expect(first.storedSHA256 == elsewhere.storedSHA256)
        #expect(try await one.entries().count == 1)
    }

    @Test func textAndBinaryProfilesAreChosenByContent() {
        #expect(CompressionChoice.profile(forPrefix: Array("{\"a\": 1}\n".utf8)) == CompressionChoice.text)
        #expect(CompressionChoice.profile(forPrefix: Array("1\r\n00:00:00,000 --> 00:00:01,000\r\n".utf8)) == CompressionChoice.text)
        #expect(CompressionChoice.profile(forPrefix: Array("RIFF\u{0}\u{0}WAVE".utf8)) == CompressionChoice.binary)
        #expect(CompressionChoice.profile(forPrefix: [0x49, 0x44, 0x33, 4, 0]) == CompressionChoice.binary)
        #expect(CompressionChoice.profile(forPrefix: [0x10, 0x00, 0xff, 0x7f]) == CompressionChoice.binary)
    }

    @Test(arguments: StoreBackend.allCases)
    func abandonedWriterLeavesNothing(backend: StoreBackend) async throws {
        let subject = try await StoreUnderTest.make(backend, "ab")
        let store = subject.store
        try await IOPool.shared.run {
            let writer = try store.makeWriter()
            try sampleBytes(count: 10_000, seed: 1).withUnsafeBytes { try writer.write($0) }
            writer.abandon()
        }
        #expect(try await subject.entries().isEmpty)
        if let local = store as? LocalObjectStore {
            #expect(try FileManager.default.contentsOfDirectory(atPath: local.root + "/tmp").isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func verifyReportsFlippedTruncatedStrayAndCleanObjects(backend: StoreBackend) async throws {
        let subject = try await StoreUnderTest.make(backend, "vf")
        let good = try await subject.put(sampleBytes(count: 200_000, seed: 1))
        let flipped = try await subject.put(sampleBytes(count: 200_000, seed: 2))
        let truncated = try await subject.put(sampleBytes(count: 200_000, seed: 3))
        #expect(try await subject.verify().isClean)

        var bytes = try await subject.rawRead(flipped.digest.objectPath)
        bytes[bytes.count / 2] ^= 0x01
        try await subject.rawWrite(flipped.digest.objectPath, bytes)
        let whole = try await subject.rawRead(truncated.digest.objectPath)
        try await subject.rawWrite(truncated.digest.objectPath, Array(whole.prefix(whole.count / 2)))
        let junk = "sha256/" + String(good.digest.hex.prefix(2)) + "/junk.gz"
        try await subject.rawWrite(junk, Array("x".utf8))

        let report = try await subject.verify()
        #expect(report.objectsChecked == 3)
        let byPath = Dictionary(report.problems.map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath[flipped.digest.objectPath] == .corrupt)
        #expect(byPath[truncated.digest.objectPath] == .truncated)
        #expect(byPath[junk] == .stray)
        #expect(byPath[good.digest.objectPath] == nil)
        #expect(report.problems.count == 3)

        // A missing object is reported when something names it.
        try await subject.rawDelete(good.digest.objectPath)
        guard case .failure(let problem) = await subject.check(good.digest) else {
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

    @Test("a creation killed half-way (folders and the marker's temp file, no marker) is finished by the next run")
    func killedCreationIsCompleted() throws {
        let dir = TestDirectory("kc")
        let root = dir.sub("a")
        for folder in ["sha256", "tmp", "state"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try Data("{".utf8).write(to: URL(fileURLWithPath: root + "/STORE.4194311.77.tmp"))
        _ = try LocalObjectStore(root: root, create: true)
        #expect(FileManager.default.fileExists(atPath: root + "/STORE"))
        // Anything else in the folder still means it is not ours.
        let other = dir.sub("b")
        try FileManager.default.createDirectory(atPath: other + "/sha256", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: other + "/notes.txt"))
        #expect(throws: StoreError.self) { try LocalObjectStore(root: other, create: true) }
    }

    @Test func refusesAPrefixThatIsNotAStore() async throws {
        let seaweed = try await SeaweedFS.shared()
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let location = seaweed.freshLocation("ns")
        _ = try await client.put(bucket: location.bucket, key: location.key("file.txt"), body: Array("hello".utf8), contentType: "text/plain", ifAbsent: false)
        await #expect(throws: StoreError.self) { _ = try await S3ObjectStore.open(location, client: client, create: true) }
        await #expect(throws: StoreError.self) { _ = try await S3ObjectStore.open(seaweed.freshLocation("absent"), client: client, create: false) }
        let fresh = seaweed.freshLocation("fresh")
        _ = try await S3ObjectStore.open(fresh, client: client, create: true)
        #expect(try await client.head(bucket: fresh.bucket, key: fresh.key("STORE")) != nil)
    }

    @Test func wrongSecretIsAnAuthenticationError() async throws {
        let seaweed = try await SeaweedFS.shared()
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine, secretKey: "not-the-secret")
        do {
            _ = try await S3ObjectStore.open(seaweed.freshLocation("auth"), client: client, create: true)
            Issue.record("a wrong secret was accepted")
        } catch let error as S3Error {
            #expect(error.code == .authentication)
            #expect(error.exitCode == 3)
            #expect(!error.description.contains("not-the-secret"))
        }
    }

    @Test("many processes creating one new store at once all succeed (sharded first nights)")
    func concurrentCreationOfANewStore() async throws {
        let dir = TestDirectory("cc")
        let root = dir.sub("a")
        let opened = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { try await IOPool.shared.run { try LocalObjectStore(root: root, create: true) }.root == root }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(opened == 8)
        let seaweed = try await SeaweedFS.shared()
        let engine = HTTPEngine(maxTotal: 16, maxPerHost: 16)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let location = seaweed.freshLocation("cc")
        let s3Opened = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { try await S3ObjectStore.open(location, client: client, create: true).root == location }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(s3Opened == 8)
    }

    @Test func sweepRemovesDeadWritersTempFilesOnly() async throws {
        let dir = TestDirectory("sw")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        // A live writer's named temp file (the path taken without O_TMPFILE), past the memory
        // limit so that it has a file (well past: igzip hands over its output in 128 KiB batches).
        store.unnamedFiles.withLock { $0 = false }
        let live = try store.makeWriter()
        try sampleBytes(count: 8 * LocalObjectWriter.memoryLimit, seed: 5).withUnsafeBytes { try live.write($0) }
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: ".", with: "_")
        // PID 2^22+7 is above Linux's pid_max default range, so no process has it.
        let dead = dir.sub("a/tmp/\(host).4194311.1.tmp")
        try Data([1]).write(to: URL(fileURLWithPath: dead))
        #expect(store.sweepTemporaries() == 1)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("a/tmp")).count == 1)
        #expect(try await live.commit().isNew)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("a/tmp")).isEmpty)
    }

    @Test func writersLeaveNoNamedFileWhileTheyWrite() async throws {
        let dir = TestDirectory("un")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        let small = try store.makeWriter()
        try sampleBytes(count: 2_000, seed: 6).withUnsafeBytes { try small.write($0) }
        let large = try store.makeWriter()
        try sampleBytes(count: 4 * LocalObjectWriter.memoryLimit, seed: 7).withUnsafeBytes { try large.write($0) }
        // Only an unnamed file (or memory) holds them: a crash now leaves nothing to sweep.
        #expect(store.supportsUnnamedFiles())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("a/tmp")).isEmpty)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: dir.sub("a/sha256")).isEmpty)
        let stored = [try await small.commit(), try await large.commit()]
        #expect(stored.allSatisfy { $0.isNew })
        for object in stored {
            #expect(FileManager.default.fileExists(atPath: dir.sub("a/" + object.path)))
        }
        #expect(try await StoreVerifier(store: store).run().isClean)
    }

    @Test func aSmallDuplicateCreatesNoFile() async throws {
        let dir = TestDirectory("sd")
        let store = try LocalObjectStore(root: dir.sub("a"), create: true)
        let bytes = sampleBytes(count: 3_000, seed: 8)
        let first = try await StoreUnderTest.put(bytes, into: store, chunk: 1000)
        let path = dir.sub("a/" + first.path)
        // With `tmp/` replaced by a plain file no writer can create a file (tests run as root,
        // so permissions would not stop it): the duplicate must be recognised from memory.
        try FileManager.default.removeItem(atPath: dir.sub("a/tmp"))
        try Data().write(to: URL(fileURLWithPath: dir.sub("a/tmp")))
        let second = try await StoreUnderTest.put(bytes, into: store, chunk: 333)
        #expect(!second.isNew)
        #expect(second.digest == first.digest)
        #expect(second.storedSHA256 == first.storedSHA256)
        #expect(FileManager.default.fileExists(atPath: path))
        // A new small object is born in its own shard directory, so it needs no `tmp/`...
        let fresh = try await StoreUnderTest.put(sampleBytes(count: 3_000, seed: 9), into: store, chunk: 1000)
        #expect(fresh.isNew)
        #expect(FileManager.default.fileExists(atPath: dir.sub("a/" + fresh.path)))
        // ...but one that outgrows memory before its digest is known does, and says why it
        // cannot have one.
        await #expect(throws: StoreError.self) {
            try await StoreUnderTest.put(sampleBytes(count: LocalObjectWriter.memoryLimit * 4, seed: 10), into: store, chunk: 4096)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentWritersOfTheSameContent(backend: StoreBackend) async throws {
        let subject = try await StoreUnderTest.make(backend, "cw")
        let bytes = sampleBytes(count: 500_000, seed: 9)
        let results = try await withThrowingTaskGroup(of: StoredObject.self) { group in
            for _ in 0..<8 {
                group.addTask { try await subject.put(bytes) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.isNew).count == 1)
        #expect(Set(results.map(\.digest)).count == 1)
        #expect(Set(results.map(\.storedSHA256)).count == 1)
        #expect(try await subject.verify().isClean)
        if let local = subject.store as? LocalObjectStore {
            #expect(try FileManager.default.contentsOfDirectory(atPath: local.root + "/tmp").isEmpty)
        }
    }
}
