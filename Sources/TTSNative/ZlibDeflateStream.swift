internal import CZlib

/// zlib's half of ``GzipDeflater``: one gzip member with MTIME 0 and no file name, so the output
/// depends only on the input, the profile and the zlib version (not on how the input is split).
final class ZlibDeflateStream {
    private var stream = z_stream()
    private var output: [UInt8]
    private var finished = false

    init(profile: GzipProfile, outputChunk: Int) throws(ZlibError) {
        output = [UInt8](repeating: 0, count: outputChunk)
        // windowBits 15 + 16 asks zlib for a gzip wrapper; its default header has MTIME 0, no
        // FNAME and OS = 3, which is what makes the bytes reproducible.
        let code = CZlib_deflateInit2(&stream, profile.level, 15 + 16, 8, profile.zlibStrategy)
        try ZlibError.check(code, "deflateInit2", nil)
    }

    deinit { deflateEnd(&stream) }

    func update(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        try pump(flush: Z_NO_FLUSH, sink: sink)
        stream.next_in = nil
    }

    func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
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
