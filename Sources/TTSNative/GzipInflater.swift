internal import CZlib

/// Streams one gzip member back to its original bytes, checking its CRC-32 and length.
///
/// The archive writes exactly one member per object, so anything after the member's trailer is
/// reported as ``ZlibError/Reason/trailingData`` and a stream that stops early as
/// ``ZlibError/Reason/truncated``.
public final class GzipInflater {
    private var stream = z_stream()
    private var output: [UInt8]
    /// True once the member's trailer has been read and checked.
    public private(set) var isComplete = false

    public init(outputChunk: Int = 64 * 1024) throws(ZlibError) {
        output = [UInt8](repeating: 0, count: outputChunk)
        let code = CZlib_inflateInit2(&stream, 15 + 16)
        try ZlibError.check(code, "inflateInit2", nil)
    }

    deinit { inflateEnd(&stream) }

    /// Decompresses `input`, handing original bytes to `sink`.
    public func update(
        _ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        if isComplete {
            throw ZlibError(reason: .trailingData, operation: "inflate", code: 0, message: nil)
        }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        defer { stream.next_in = nil }
        let chunk = output.count
        while true {
            let (code, produced) = output.withUnsafeMutableBytes { buffer -> (Int32, Int) in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(chunk)
                let code = inflate(&stream, Z_NO_FLUSH)
                return (code, chunk - Int(stream.avail_out))
            }
            if code == Z_NEED_DICT {
                throw ZlibError(reason: .corruptData, operation: "inflate", code: code, message: "dictionary required")
            }
            try withUnsafePointer(to: &stream) { try ZlibError.check(code, "inflate", $0) }
            if produced > 0 {
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if code == Z_STREAM_END {
                isComplete = true
                if stream.avail_in > 0 {
                    throw ZlibError(reason: .trailingData, operation: "inflate", code: 0, message: nil)
                }
                return
            }
            if stream.avail_in == 0 && produced < chunk { return }
            if code == Z_BUF_ERROR && produced == 0 { return }
        }
    }

    /// Confirms the stream ended with its trailer; throws ``ZlibError/Reason/truncated`` if not.
    public func finish() throws(ZlibError) {
        if !isComplete {
            throw ZlibError(reason: .truncated, operation: "inflate", code: 0, message: nil)
        }
    }
}
