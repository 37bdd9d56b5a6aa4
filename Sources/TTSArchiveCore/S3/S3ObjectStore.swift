import Foundation
import TTSNative

/// The archive in S3-compatible object storage, with the local store's layout and bytes:
///
/// ```
/// PREFIX/STORE                     marker, the same JSON as on disk
/// PREFIX/sha256/ab/ab…(64 hex).gz  objects, byte-identical to the local store's
/// PREFIX/locks/…                   the chain's and shards' locks (conditional requests), see S3Lock
/// PREFIX/quarantine/…              damaged objects moved aside by a writer; never deleted
/// ```
///
/// So an archive copied between backends with any S3 tool (`aws s3 sync`, `rclone`) still
/// verifies. Objects are written with `If-None-Match: *`: an upload never replaces an object.
///
/// Its ``ObjectStore`` calls await the S3 client (libcurl on its own thread): no thread waits.
public struct S3ObjectStore: ObjectStore {
    /// The bucket and prefix.
    public let root: S3Location
    public let client: S3Client
    /// Objects up to this size go in one PUT; larger ones as multipart uploads of this part size.
    public let partSize: Int
    /// Where writers spool compressed bytes before uploading (local disk, removed after).
    public let spoolDirectory: String

    public var location: String { root.description }

    /// Opens the store; with `create`, an empty prefix becomes a new store (the marker is
    /// written). A prefix holding other keys but no marker is refused, as on disk.
    public static func open(
        _ location: S3Location, client: S3Client, create: Bool, partSize: Int = 16 << 20,
        spoolDirectory: String = NSTemporaryDirectory()
    ) async throws -> S3ObjectStore {
        let store = S3ObjectStore(root: location, client: client, partSize: max(5 << 20, partSize), spoolDirectory: spoolDirectory)
        let marker = location.key(LocalObjectStore.markerName)
        if try await client.head(bucket: location.bucket, key: marker) != nil { return store }
        guard create else { throw StoreError(.notAStore, path: location.description, detail: "no STORE marker") }
        let existing = try await client.list(bucket: location.bucket, prefix: location.prefix.isEmpty ? "" : location.prefix + "/")
        let foreign = existing.filter { !store.isOurs(store.relative($0.key)) }
        if !foreign.isEmpty { throw StoreError(.notAStore, path: location.description) }
        _ = try await client.put(
            bucket: location.bucket, key: marker, body: Array(LocalObjectStore.markerContent.utf8),
            contentType: "application/json", ifAbsent: true)
        return store
    }

    init(root: S3Location, client: S3Client, partSize: Int, spoolDirectory: String) {
        self.root = root
        self.client = client
        self.partSize = partSize
        self.spoolDirectory = spoolDirectory
    }

    /// Keys of ours that are not objects: the marker, a README, a rendered `report.html`, the
    /// lock area and quarantined (damaged) objects.
    private func isBookkeeping(_ relative: String) -> Bool {
        relative == LocalObjectStore.markerName || relative == "README.md" || relative == "report.html" || relative.hasPrefix("locks/")
            || relative.hasPrefix("quarantine/")
    }

    /// Moves a damaged object aside to `quarantine/<64 hex>.<UTC time>.gz`: a server-side copy,
    /// then a DELETE conditioned on the damaged version's ETag (a sound object a rival stored
    /// meanwhile is never removed). Nothing is deleted before its copy exists.
    func quarantine(_ digest: ContentDigest, etag: String, now: Date = Date()) async throws {
        let source = root.key(digest.objectPath)
        let stamp = Timestamp.compact(now)
        let target = root.key("quarantine/\(digest.hex).\(stamp).gz")
        try await client.copy(bucket: root.bucket, from: source, to: target)
        _ = try await client.delete(bucket: root.bucket, key: source, ifMatch: etag)
    }

    /// Keys a store may hold: bookkeeping and the object area.
    private func isOurs(_ relative: String) -> Bool { isBookkeeping(relative) || relative.hasPrefix("sha256/") }

    func relative(_ key: String) -> String {
        root.prefix.isEmpty ? key : String(key.dropFirst(root.prefix.count + 1))
    }

    public func makeWriter() throws -> any ObjectWriting {
        try S3ObjectWriter(store: self)
    }

    public func lookup(_ digest: ContentDigest) async throws -> StoreEntry? {
        guard let head = try await client.head(bucket: root.bucket, key: root.key(digest.objectPath)) else { return nil }
        return StoreEntry(path: digest.objectPath, digest: digest, storedSize: head.size)
    }

    public func openObject(_ digest: ContentDigest) async throws -> any ObjectReading {
        guard let entry = try await lookup(digest) else { throw StoreError(.unknownObject, path: digest.hex) }
        return S3ObjectReader(client: client, bucket: root.bucket, key: root.key(digest.objectPath), size: entry.storedSize)
    }

    /// The bytes a ranged GET of an object asks for at most (``S3ObjectReader``).
    public static let readChunk: Int64 = 8 << 20

    /// The largest body one request of this store moves, for deriving a transfer deadline:
    /// objects go up whole only below `partSize` and in parts of `partSize` above it, and come
    /// down in ranged GETs of ``readChunk``. Manifests and listing pages are fetched whole and
    /// are not bounded by this: a listing page is a few hundred KB, and the deadline's 5-minute
    /// floor moves 75 MiB at the minimum rate, a manifest of some 50,000 jobs.
    public static func largestTransfer(partSize: Int) -> Int64 {
        max(Int64(max(5 << 20, partSize)), readChunk)
    }

    public func listEntries() async throws -> [StoreEntry] {
        let keys = try await client.list(bucket: root.bucket, prefix: root.prefix.isEmpty ? "" : root.prefix + "/")
        var entries: [StoreEntry] = []
        for object in keys {
            let path = relative(object.key)
            if isBookkeeping(path) { continue }
            entries.append(StoreEntry(path: path, digest: ContentDigest(objectPath: path), storedSize: object.size))
        }
        return entries.sorted { $0.path < $1.path }
    }
}

/// Reads an S3 object's `.gz` bytes in order with ranged GETs, so memory stays at one chunk
/// whatever the object's size.
final class S3ObjectReader: ObjectReading {
    private let client: S3Client
    private let bucket: String
    private let key: String
    private let size: Int64
    private let chunk = S3ObjectStore.readChunk
    /// Where the next GET starts; a lock only because the class must be `Sendable` (calls to
    /// ``next()`` never overlap).
    private let offset = Locked<Int64>(0)

    init(client: S3Client, bucket: String, key: String, size: Int64) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.size = size
    }

    func next() async throws -> [UInt8] {
        let start = offset.withLock { $0 }
        guard start < size else { return [] }
        let piece = try await client.get(bucket: bucket, key: key, range: start...min(size, start + chunk) - 1)
        // A shorter answer than asked means the object changed under us: the caller's gzip and
        // digest checks will say so; never loop on an empty answer.
        offset.withLock { $0 = piece.isEmpty ? size : start + Int64(piece.count) }
        return piece
    }
}
