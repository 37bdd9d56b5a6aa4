import Foundation
import TTSNative
import TTSTestSupport

@testable import TTSArchiveCore

/// The backends every store test runs against: the local disk as it runs here (unnamed files,
/// `O_TMPFILE`), the local disk as it runs on a file system without `O_TMPFILE` (named temp
/// files under `tmp/`), and S3.
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case local, localNamedTemp, s3
    var description: String { rawValue }
}

/// A fresh, empty store on one backend, with raw access to its files (to damage them) that
/// bypasses the store. Writes run on the I/O pool (``ObjectWriting/write(_:)`` is blocking);
/// every other store call is async.
final class StoreUnderTest: @unchecked Sendable {
    let backend: StoreBackend
    let store: any ObjectStore
    private let directory: TestDirectory?
    private let engine: HTTPEngine?
    private let client: S3Client?
    private let location: S3Location?

    private init(backend: StoreBackend, store: any ObjectStore, directory: TestDirectory?, engine: HTTPEngine?, client: S3Client?, location: S3Location?) {
        self.backend = backend
        self.store = store
        self.directory = directory
        self.engine = engine
        self.client = client
        self.location = location
    }

    deinit { engine?.shutdown() }

    static func make(_ backend: StoreBackend, _ name: String) async throws -> StoreUnderTest {
        switch backend {
        case .local, .localNamedTemp:
            let dir = TestDirectory(name)
            let store = try LocalObjectStore(root: dir.sub("a"), create: true)
            if backend == .localNamedTemp { store.unnamedFiles.withLock { $0 = false } }
            return StoreUnderTest(backend: backend, store: store, directory: dir, engine: nil, client: nil, location: nil)
        case .s3:
            let seaweed = try await SeaweedFS.shared()
            let engine = HTTPEngine(maxTotal: 16, maxPerHost: 16)
            let client = try seaweed.client(engine: engine)
            let location = seaweed.freshLocation(name)
            // The smallest part size S3 allows, so 9 MiB objects go up as multipart uploads.
            let store = try await S3ObjectStore.open(location, client: client, create: true, partSize: 5 << 20)
            return StoreUnderTest(backend: backend, store: store, directory: nil, engine: engine, client: client, location: location)
        }
    }

    /// Another empty store of the same backend.
    func sibling(_ name: String) async throws -> StoreUnderTest {
        try await Self.make(backend, name)
    }

    func put(_ bytes: [UInt8], chunk: Int = 7919) async throws -> StoredObject {
        try await Self.put(bytes, into: store, chunk: chunk)
    }

    /// Writes `bytes` in pieces of `chunk` on the I/O pool (writes block), then commits.
    static func put(_ bytes: [UInt8], into store: any ObjectStore, chunk: Int) async throws -> StoredObject {
        try await put(pieces: stride(from: 0, to: bytes.count, by: max(1, chunk)).map { min(chunk, bytes.count - $0) }, of: bytes, into: store)
    }

    /// Writes `bytes` cut into `pieces` (sizes, in order) on the I/O pool, then commits.
    static func put(pieces: [Int], of bytes: [UInt8], into store: any ObjectStore) async throws -> StoredObject {
        let writer = try await IOPool.shared.run { () throws -> any ObjectWriting in
            let writer = try store.makeWriter()
            var offset = 0
            for piece in pieces {
                try bytes[offset..<(offset + piece)].withUnsafeBytes { try writer.write($0) }
                offset += piece
            }
            return writer
        }
        return try await writer.commit()
    }

    func read(_ digest: ContentDigest) async throws -> [UInt8] {
        let out = Locked<[UInt8]>([])
        try await store.readObject(digest) { chunk in out.withLock { $0.append(contentsOf: chunk) } }
        return out.withLock { $0 }
    }

    func entries() async throws -> [StoreEntry] {
        try await store.listEntries()
    }

    func verify(parallelism: Int = 2) async throws -> StoreVerification {
        try await StoreVerifier(store: store, parallelism: parallelism).run()
    }

    func check(_ digest: ContentDigest) async -> Result<Int64, StoreProblem> {
        await StoreVerifier(store: store).check(digest)
    }

    /// The stored file's bytes, read behind the store's back.
    func rawRead(_ relative: String) async throws -> [UInt8] {
        if let directory { return try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.sub("a/" + relative)))) }
        return try await client!.get(bucket: location!.bucket, key: location!.key(relative))
    }

    /// Replaces (or creates) a stored file behind the store's back.
    func rawWrite(_ relative: String, _ bytes: [UInt8]) async throws {
        if let directory {
            try Data(bytes).write(to: URL(fileURLWithPath: directory.sub("a/" + relative)))
            return
        }
        _ = try await client!.put(bucket: location!.bucket, key: location!.key(relative), body: bytes, contentType: "application/octet-stream", ifAbsent: false)
    }

    /// Relative names of the stored files under `folder` (e.g. `quarantine`), sorted.
    func rawList(_ folder: String) async throws -> [String] {
        if let directory {
            return ((try? FileManager.default.contentsOfDirectory(atPath: directory.sub("a/" + folder))) ?? []).map { folder + "/" + $0 }.sorted()
        }
        let prefix = location!.key(folder + "/")
        return try await client!.list(bucket: location!.bucket, prefix: prefix).map { folder + "/" + $0.key.dropFirst(prefix.count) }.sorted()
    }

    func rawDelete(_ relative: String) async throws {
        if let directory {
            try FileManager.default.removeItem(atPath: directory.sub("a/" + relative))
            return
        }
        try await client!.delete(bucket: location!.bucket, key: location!.key(relative))
    }

    /// Pipes the stored file through a shell command (gzip -t, gunzip | sha256sum).
    func pipe(_ relative: String, through command: String) async throws -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "ttsarchive-raw-\(UUID().uuidString).gz"
        try Data(try await rawRead(relative)).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return shell(command.replacingOccurrences(of: "FILE", with: "'\(file)'"))
    }
}
