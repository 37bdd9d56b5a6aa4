import Crypto
import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// What reading one object's `.gz` file established.
public struct ObjectFacts: Sendable, Hashable {
    /// The `.gz` file's size.
    public var storedSize: Int64
    /// The `.gz` file's SHA-256; nil after a quick check, which does not read the file.
    public var storedSHA256: String?
    /// The original size; nil after a quick check.
    public var size: Int64?
    /// The gzip trailer's ISIZE (the original size modulo 2³²), which a quick check reads
    /// instead of decompressing.
    public var sizeModulo32: UInt32?

    /// True when `expected` (a manifest's `size`) agrees with what was measured.
    public func sizeMatches(_ expected: Int64) -> Bool {
        if let size { return size == expected }
        if let sizeModulo32 { return UInt32(truncatingIfNeeded: expected) == sizeModulo32 }
        return true
    }

    /// The measured original size, for messages.
    public var sizeDescription: String {
        if let size { return "\(size)" }
        if let sizeModulo32 { return "\(sizeModulo32) (mod 2^32, from the gzip trailer)" }
        return "unknown"
    }
}

/// Why an object could not be read as itself.
public struct ObjectDamage: Error, Sendable, Hashable {
    /// ``ManifestProblem/Kind/missing``, ``ManifestProblem/Kind/corrupt`` or ``ManifestProblem/Kind/truncated``.
    public var kind: ManifestProblem.Kind
    public var detail: String
}

/// Checks one object: the full check reads its `.gz` file once, hashing the stored bytes and
/// the decompressed bytes together; the quick check looks only at its presence, its size and
/// its gzip header and trailer.
public enum ObjectAudit {
    /// Decompresses and re-hashes `digest`'s object, measuring its `.gz` file on the way.
    public static func full(_ digest: ContentDigest, in store: any ObjectStore) async -> Result<ObjectFacts, ObjectDamage> {
        do {
            let read = try await store.readObject(digest)
            return .success(ObjectFacts(storedSize: read.storedSize, storedSHA256: read.storedSHA256, size: read.size))
        } catch let error as StoreError where error.code == .unknownObject {
            return .failure(ObjectDamage(kind: .missing, detail: "not in the store"))
        } catch let error as StoreError where error.code == .damaged {
            return .failure(ObjectDamage(kind: error.truncated ? .truncated : .corrupt, detail: error.detail))
        } catch {
            return .failure(ObjectDamage(kind: .corrupt, detail: "cannot be read: \(error)"))
        }
    }

    /// Presence and sizes only: the `.gz` file exists, starts like gzip, and its trailer's ISIZE
    /// is read so the caller can compare it with the manifest's size.
    public static func quick(_ digest: ContentDigest, in store: any ObjectStore) async -> Result<ObjectFacts, ObjectDamage> {
        let entry: StoreEntry?
        do {
            entry = try await store.lookup(digest)
        } catch {
            return .failure(ObjectDamage(kind: .corrupt, detail: "cannot be read: \(error)"))
        }
        guard let entry else { return .failure(ObjectDamage(kind: .missing, detail: "not in the store")) }
        var facts = ObjectFacts(storedSize: entry.storedSize)
        // Only a local file can be read at an offset; other stores get presence and size.
        guard let local = store as? LocalObjectStore else { return .success(facts) }
        let path = local.absolutePath(digest.objectPath)
        let trailer = (try? await IOPool.shared.run { headAndTrailer(path, storedSize: entry.storedSize) })
            ?? .failure(ObjectDamage(kind: .corrupt, detail: "cannot be read"))
        return trailer.map { sizeModulo32 in
            facts.sizeModulo32 = sizeModulo32
            return facts
        }
    }

    /// The gzip magic and the trailer's ISIZE of a local `.gz` file. Blocking.
    private static func headAndTrailer(_ path: String, storedSize: Int64) -> Result<UInt32, ObjectDamage> {
        // 10-byte header + at least an empty final block + 8-byte trailer.
        guard storedSize >= 20 else {
            return .failure(ObjectDamage(kind: .truncated, detail: "\(storedSize) bytes is too short for a gzip member"))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ObjectDamage(kind: .corrupt, detail: "cannot be opened: \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 2)
        var tail = [UInt8](repeating: 0, count: 4)
        let headRead = pread(fd, &head, 2, 0)
        let tailRead = pread(fd, &tail, 4, off_t(storedSize - 4))
        guard headRead == 2, tailRead == 4 else {
            return .failure(ObjectDamage(kind: .truncated, detail: "could not read its gzip header and trailer"))
        }
        guard head == [0x1f, 0x8b] else { return .failure(ObjectDamage(kind: .corrupt, detail: "not a gzip file (bad magic bytes)")) }
        return .success(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
    }
}
