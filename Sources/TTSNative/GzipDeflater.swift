/// Streams bytes into one gzip member (RFC 1952) with MTIME 0 and no file name, so the output
/// depends only on the input, the profile and the library build: zlib, or ISA-L's igzip when
/// the profile says so (see ``GzipProfile/Engine``).
///
/// Not thread-safe: one owner feeds it in order. Output arrives through the `sink` closure in
/// chunks of at most `outputChunk` bytes (ISA-L: exactly ``IsalGzipDeflater/outputSize``
/// bytes but the last); memory stays constant whatever the input size.
public final class GzipDeflater {
    private enum Backend {
        case zlib(ZlibDeflateStream)
        #if TTSARCHIVE_ISAL
        case isal(IsalGzipDeflater)
        #endif
    }

    private let backend: Backend
    /// The profile this member is written with.
    public let profile: GzipProfile

    /// The size of the blocks igzip is fed (whatever the caller's pieces): a member's first
    /// block is deflated only once this much input, or the end, has arrived.
    public static let inputBlock = 64 * 1024

    /// Starts a gzip member with the given profile. An ISA-L profile in a build without ISA-L
    /// is deflated by zlib at level 6 instead (valid gzip of the same content, other bytes).
    public init(profile: GzipProfile, outputChunk: Int = 64 * 1024) throws {
        switch profile.engine {
        case .isal:
            #if TTSARCHIVE_ISAL
            self.profile = profile
            backend = .isal(try IsalGzipDeflater(level: UInt32(profile.level)))
            #else
            self.profile = GzipProfile(level: 6, strategy: .default)
            backend = .zlib(try ZlibDeflateStream(profile: self.profile, outputChunk: outputChunk))
            #endif
        case .zlib:
            self.profile = profile
            backend = .zlib(try ZlibDeflateStream(profile: profile, outputChunk: outputChunk))
        }
    }

    /// Compresses `input`, handing compressed bytes to `sink` as they are produced.
    public func update(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch backend {
        case .zlib(let stream): try stream.update(input, sink: sink)
        #if TTSARCHIVE_ISAL
        case .isal(let stream): try stream.update(input, sink: sink)
        #endif
        }
    }

    /// Ends the gzip member (final deflate block, CRC-32 and size trailer).
    public func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch backend {
        case .zlib(let stream): try stream.finish(sink: sink)
        #if TTSARCHIVE_ISAL
        case .isal(let stream): try stream.finish(sink: sink)
        #endif
        }
    }
}
