/// What the archive knows about a stored object.
public struct StoredObject: Sendable, Hashable, Codable {
    /// SHA-256 of the original bytes; the object's name.
    public var digest: ContentDigest
    /// Original size in bytes.
    public var size: Int64
    /// Size of the `.gz` file.
    public var storedSize: Int64
    /// SHA-256 of the `.gz` file's bytes.
    public var storedSHA256: String
    /// Path relative to the archive root (`sha256/xx/<hex>.gz`).
    public var path: String { digest.objectPath }
    /// True when this write added the object; false when it was already there.
    public var isNew: Bool

    public init(digest: ContentDigest, size: Int64, storedSize: Int64, storedSHA256: String, isNew: Bool) {
        self.digest = digest
        self.size = size
        self.storedSize = storedSize
        self.storedSHA256 = storedSHA256
        self.isNew = isNew
    }
}

/// A streaming write of one object. Bytes are hashed and compressed as they arrive; nothing is
/// visible under a final name until ``commit()`` returns.
///
/// One owner at a time, calls never overlapping: `write` is blocking (call it off the
/// cooperative pool, as ``ArtifactPipeline`` does on its strand); `commit` is async and does its
/// own blocking work on the I/O pool (``IOPool``), so any task may await it.
public protocol ObjectWriting: AnyObject, Sendable {
    /// Adds bytes of the object's content.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Bytes written so far.
    var bytesWritten: Int64 { get }
    /// Finishes the object: its bytes durable, published under its digest (unless it exists),
    /// the name durable; only then does it return.
    func commit() async throws -> StoredObject
    /// Discards everything written; safe to call more than once and after a failure.
    func abandon()
}

/// Reads an object's compressed bytes in order, one piece at a time. Calls never overlap.
public protocol ObjectReading: AnyObject, Sendable {
    /// The next bytes of the `.gz` file; empty at its end.
    func next() async throws -> [UInt8]
}

/// One entry found when listing the store, for verification.
public struct StoreEntry: Sendable, Hashable {
    /// Path relative to the archive root.
    public var path: String
    /// The digest its name claims, if its name and place are those of an object.
    public var digest: ContentDigest?
    /// Size of the file.
    public var storedSize: Int64
}

/// The content-addressed archive: the local disk (``LocalObjectStore``) or S3-compatible object
/// storage (``S3ObjectStore``). Every call that waits (for a disk or a server) is async and
/// blocks no thread of the cooperative pool: the local store does its file I/O on ``IOPool``.
public protocol ObjectStore: Sendable {
    /// Where the store lives, for messages (a path or URL without credentials).
    var location: String { get }
    /// Starts writing a new object.
    func makeWriter() throws -> any ObjectWriting
    /// The stored object with that digest (its `.gz` file's size), or nil.
    func lookup(_ digest: ContentDigest) async throws -> StoreEntry?
    /// Opens an object's `.gz` bytes; throws ``StoreError/Code/unknownObject`` if absent.
    func openObject(_ digest: ContentDigest) async throws -> any ObjectReading
    /// Every file under the object area, well named or not.
    func listEntries() async throws -> [StoreEntry]
}
