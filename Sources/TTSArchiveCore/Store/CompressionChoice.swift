import TTSNative

/// Picks the gzip profile for an object from its first bytes, so the choice depends on the
/// content alone and the same content always compresses to the same bytes.
///
/// Measured on this machine (zlib 1.2.13): speech WAV shrinks to 0.80–0.83 at level 1
/// (44 MB/s a core) and barely further at 6 (30–35 MB/s); `Z_RLE` keeps ~94% of level 6's
/// saving at ~82 MB/s. MP3 stays at 0.99 at any level. SRT and JSON shrink to 0.2–0.3 and are
/// small, so level 6 costs nothing there. Compression is this tool's CPU limit, so audio and
/// other binary data get `Z_RLE`, text gets level 6. (`make bench` re-measures these.)
public enum CompressionChoice {
    /// Bytes needed to decide; fewer only when the object is shorter.
    public static let sniffLength = 512

    /// For binary data: audio (RIFF/WAVE, MP3, PCM) and anything else that is not text.
    public static let binary = GzipProfile(level: 6, strategy: .rle)
    /// For text (JSON, SRT): small and very compressible.
    public static let text = GzipProfile(level: 6, strategy: .default)

    /// The profile for an object that starts with `prefix`.
    public static func profile(forPrefix prefix: some Collection<UInt8>) -> GzipProfile {
        isText(prefix) ? text : binary
    }

    static func isText(_ prefix: some Collection<UInt8>) -> Bool {
        if prefix.isEmpty { return true }
        let bytes = Array(prefix)
        if bytes.starts(with: [0x52, 0x49, 0x46, 0x46]) || bytes.starts(with: [0x49, 0x44, 0x33]) { return false }
        // Printable ASCII, tabs and newlines, and UTF-8 lead/continuation bytes; NUL and other
        // control bytes mean binary (16-bit PCM has plenty of both).
        for byte in bytes where byte < 0x20 && byte != 0x09 && byte != 0x0a && byte != 0x0d {
            return false
        }
        return true
    }
}
