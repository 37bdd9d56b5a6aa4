import Crypto
import TTSNative

/// What reading one object through ``ObjectContentCheck`` measured.
public struct ObjectReadFacts: Sendable, Hashable {
    /// The original size.
    public var size: Int64
    /// The `.gz` file's size.
    public var storedSize: Int64
    /// The `.gz` file's SHA-256.
    public var storedSHA256: String
}

/// Checks an object as its `.gz` bytes are read, in one pass: the stored bytes are hashed, the
/// gzip stream is inflated, and the original bytes are hashed, counted against an optional
/// size limit and handed to a sink. Whoever reads (an async read of any store, or a local
/// writer re-reading a file on the I/O pool) feeds it; the rules live only here.
///
/// Not thread-safe: one reader feeds it, one piece at a time.
final class ObjectContentCheck {
    private let digest: ContentDigest
    private let limit: Int64?
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private let inflater: GzipInflater
    private var contentHash = SHA256()
    private var storedHash = SHA256()
    private var size: Int64 = 0
    private var storedSize: Int64 = 0

    /// With a `limit` (the size a manifest records), `sink` never sees more than `limit + 1`
    /// bytes: an object that inflates beyond it is damaged (or planted), and is reported as
    /// such before it can fill the disk it is being restored to.
    init(_ digest: ContentDigest, limit: Int64?, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        self.digest = digest
        self.limit = limit
        self.sink = sink
        inflater = try GzipInflater()
    }

    /// Takes the next piece of the `.gz` file. Throws ``StoreError/Code/damaged`` for a broken
    /// gzip stream or an overrun of the limit; the sink's own errors pass through unchanged.
    func consume(_ stored: UnsafeRawBufferPointer) throws {
        storedSize += Int64(stored.count)
        storedHash.update(bufferPointer: stored)
        do {
            try inflater.update(stored) { chunk in
                contentHash.update(bufferPointer: chunk)
                size += Int64(chunk.count)
                if let limit, size > limit {
                    // The byte past the limit is written, so the output shows the overrun.
                    let allowed = chunk.count - Int(size - limit) + 1
                    if allowed > 0 { try sink(UnsafeRawBufferPointer(rebasing: chunk[0..<allowed])) }
                    throw StoreError(.damaged, path: digest.objectPath, detail: "it inflates to more than the \(limit) bytes recorded for it")
                }
                try sink(chunk)
            }
        } catch let error as ZlibError {
            throw Self.damaged(digest, error)
        }
    }

    /// After the last piece: the stream must be complete and the content must hash to the
    /// object's name (``StoreError/Code/damaged`` otherwise).
    func finish() throws -> ObjectReadFacts {
        do {
            try inflater.finish()
        } catch {
            throw Self.damaged(digest, error)
        }
        let actual = contentHash.finalize().hexString
        guard actual == digest.hex else {
            throw StoreError(.damaged, path: digest.objectPath, detail: "content hashes to \(actual)")
        }
        return ObjectReadFacts(size: size, storedSize: storedSize, storedSHA256: storedHash.finalize().hexString)
    }

    private static func damaged(_ digest: ContentDigest, _ error: ZlibError) -> StoreError {
        StoreError(.damaged, path: digest.objectPath, detail: error.description, truncated: error.reason == .truncated)
    }
}
