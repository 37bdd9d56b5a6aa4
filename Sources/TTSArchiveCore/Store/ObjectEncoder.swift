import Crypto
import TTSNative

/// Turns an object's content into its stored form, the same way for every backend: hashes the
/// content (its name), picks the compression profile from its first bytes, deflates it into
/// one gzip member, and hashes and counts the compressed bytes as they are emitted.
///
/// Shared by the local and S3 writers so that the same content always yields the same
/// object bytes wherever it is stored. Not thread-safe: one owner feeds it in order.
final class ObjectEncoder {
    private var contentHash = SHA256()
    private var storedHash = SHA256()
    private var deflater: GzipDeflater?
    private var pending: [UInt8] = []
    private let emitCompressed: (UnsafeRawBufferPointer) throws -> Void
    private(set) var contentBytes: Int64 = 0
    private(set) var storedBytes: Int64 = 0

    /// `emit` receives the compressed bytes in order (write them to a temp file or spool).
    init(emit: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        emitCompressed = emit
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        contentHash.update(bufferPointer: bytes)
        contentBytes += Int64(bytes.count)
        if let deflater {
            try deflater.update(bytes, sink: emit)
            return
        }
        // Hold the first bytes until there are enough to choose the compression profile and
        // to fill the deflater's first block: a deflater (igzip: ~0.4 MB of state) is taken only
        // then, so an object that fits in one block (every text artifact, every file of the small
        // night) holds one for the moment of its deflate, not while its bytes travel and wait
        // for their check. The output is the same: the deflater re-blocks its input anyway.
        pending.append(contentsOf: bytes)
        if pending.count >= max(CompressionChoice.sniffLength, GzipDeflater.inputBlock) { try startDeflating() }
    }

    private func startDeflating() throws {
        let deflater = try GzipDeflater(profile: CompressionChoice.profile(forPrefix: pending.prefix(CompressionChoice.sniffLength)))
        self.deflater = deflater
        let held = pending
        pending = []
        try held.withUnsafeBytes { try deflater.update($0, sink: emit) }
    }

    private func emit(_ compressed: UnsafeRawBufferPointer) throws {
        storedHash.update(bufferPointer: compressed)
        storedBytes += Int64(compressed.count)
        try emitCompressed(compressed)
    }

    /// Flushes the gzip trailer; returns the content's digest and the stored bytes' SHA-256.
    func finish() throws -> (digest: ContentDigest, storedSHA256: String) {
        if deflater == nil { try startDeflating() }
        try deflater!.finish(sink: emit)
        // The deflater's state (~0.5 MB with igzip) goes back to its pool now, not when the
        // writer goes: a writer waits for the disk after this, with many others.
        deflater = nil
        return (ContentDigest(contentHash.finalize()), storedHash.finalize().hexString)
    }
}
