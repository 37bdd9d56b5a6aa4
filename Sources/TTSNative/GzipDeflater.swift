internal import CZlib

/// How an object is compressed: a zlib level and strategy. Fixed per profile so that the same
/// content always produces the same bytes with the same zlib.
public struct GzipProfile: Sendable, Hashable, CustomStringConvertible {
    /// The zlib strategy.
    public enum Strategy: Sendable, Hashable {
        case `default`, rle, huffmanOnly, filtered
    }

    public let level: Int32
    public let strategy: Strategy

    public init(level: Int32, strategy: Strategy) {
        self.level = level
        self.strategy = strategy
    }

    public var description: String { "level \(level), strategy \(strategy)" }

    var zlibStrategy: Int32 {
        switch strategy {
        case .default: return Z_DEFAULT_STRATEGY
        case .rle: return Z_RLE
        case .huffmanOnly: return Z_HUFFMAN_ONLY
        case .filtered: return Z_FILTERED
        }
    }
}

/// Streams bytes into one gzip member (RFC 1952) with MTIME 0 and no file name, so the output
/// depends only on the input, the profile and the zlib version.
///
/// Not thread-safe: one owner feeds it in order. Output arrives through the `sink` closure in
/// chunks of at most `outputChunk` bytes; memory stays constant whatever the input size.
public final class GzipDeflater {
    private var stream = z_stream()
    private var output: [UInt8]
    private var finished = false

    /// Starts a gzip member with the given profile.
    public init(profile: GzipProfile, outputChunk: Int = 64 * 1024) throws(ZlibError) {
        output = [UInt8](repeating: 0, count: outputChunk)
        // windowBits 15 + 16 asks zlib for a gzip wrapper; its default header has MTIME 0, no
        // FNAME and OS = 3, which is what makes the bytes reproducible.
        let code = CZlib_deflateInit2(&stream, profile.level, 15 + 16, 8, profile.zlibStrategy)
        try ZlibError.check(code, "deflateInit2", nil)
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `input`, handing compressed bytes to `sink` as they are produced.
    public func update(
        _ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        try pump(flush: Z_NO_FLUSH, sink: sink)
        stream.next_in = nil
    }

    /// Ends the gzip member (final deflate block, CRC-32 and size trailer).
    public func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !finished else { return }
        finished = true
        try pump(flush: Z_FINISH, sink: sink)
    }

    private func pump(flush: Int32, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let chunk = output.count
        while true {
            let (code, produced) = output.withUnsafeMutableBytes { buffer -> (Int32, Int) in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(chunk)
                let code = deflate(&stream, flush)
                return (code, chunk - Int(stream.avail_out))
            }
            try withUnsafePointer(to: &stream) { try ZlibError.check(code, "deflate", $0) }
            if produced > 0 {
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if flush == Z_FINISH {
                if code == Z_STREAM_END { return }
            } else if stream.avail_in == 0 && produced < chunk {
                return
            }
        }
    }
}
