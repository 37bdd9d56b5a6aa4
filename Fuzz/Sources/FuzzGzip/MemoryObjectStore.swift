import FuzzSupport
import TTSArchiveCore

/// An `ObjectStore` holding one `.gz` file in memory, so the fuzzer drives the real
/// `ObjectStore.readObject` (what `verify` and `cat` use) without touching the disk.
///
/// Reads come back in the lengths a ``ChunkPlan`` picks, as short reads from a real file or
/// object store would, so the inflater sees its input split at every kind of boundary.
final class MemoryObjectStore: ObjectStore {
    let gz: [UInt8]
    var location: String { "memory" }

    init(gz: [UInt8]) { self.gz = gz }

    func makeWriter() throws -> any ObjectWriting {
        throw StoreError(.notWritable, path: location, detail: "the fuzz store is read-only")
    }

    func lookup(_ digest: ContentDigest) throws -> StoreEntry? { nil }

    func openObject(_ digest: ContentDigest) throws -> any ObjectReading { Reader(gz) }

    func listEntries() throws -> [StoreEntry] { [] }

    /// Hands out the bytes in plan-sized short reads.
    private final class Reader: ObjectReading {
        let bytes: [UInt8]
        var at = 0
        var plan: ChunkPlan

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            plan = ChunkPlan(for: bytes)
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let n = min(buffer.count, bytes.count - at, plan.nextLength())
            guard n > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[at..<at + n]))
            }
            at += n
            return n
        }
    }
}
