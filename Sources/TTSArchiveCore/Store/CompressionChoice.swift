import TTSNative

/// Picks the gzip profile for an object from its first bytes, so the choice depends on the
/// content alone and the same content always compresses to the same bytes.
///
/// Audio and other binary data: ISA-L igzip level 2. On real speech WAV (single core, in
/// memory, issue 20) igzip L1 deflates 451 MB/s to a ratio of 0.708 and L2 429 MB/s to 0.707,
/// where zlib level 6 `Z_RLE` (the setting before) managed 105 MB/s at 0.718 and level 6
/// default 39 MB/s at 0.706. On the simulator's synthetic speech (63 WAV/PCM/MP3 files, 134 MB,
/// at load ~15) L1 came out at 0.786, *larger* than `Z_RLE`'s 0.783, and L2 at 0.782, at the
/// same speed as L1 within the noise (L3: 0.775, a third slower). L2 is the fastest level that
/// is no larger than before on both. MP3 stays at 0.99 whatever the setting.
///
/// Text (timestamps JSON, SRT, actions JSON): see ``text``. Builds without ISA-L use zlib level
/// 6, `Z_RLE` for binary (``GzipProfile/isalAvailable``). (`make bench` re-measures the limit.)
public enum CompressionChoice {
    /// Bytes needed to decide; fewer only when the object is shorter.
    public static let sniffLength = 512

    /// For binary data: audio (RIFF/WAVE, MP3, PCM) and anything else that is not text.
    public static let binary = GzipProfile.isalAvailable ? GzipProfile.isal(level: 2) : zlibBinary
    /// What binary data got before ISA-L, and still gets in a build without it.
    public static let zlibBinary = GzipProfile(level: 6, strategy: .rle)
    /// For text (timestamps JSON, SRT, actions JSON): also igzip level 1. Measured on the
    /// simulator's small-file night (3,150 text files of 0.1–1 KB, one core, in memory, fresh
    /// state per file; the machine at load ~20, so compare rows, not absolute speeds): igzip L1
    /// 8,204 files/s at ratio 0.561, igzip L3 6,332 files/s at 0.564, zlib L6 915 files/s at
    /// 0.551. zlib's 2% smaller text costs 9× the CPU per file, and on a small-file night text
    /// is most of the files while on the audio night it is under 1% of the bytes.
    public static let text = GzipProfile.isalAvailable ? GzipProfile.isal(level: 1) : zlibText
    /// What text got before ISA-L, and still gets in a build without it.
    public static let zlibText = GzipProfile(level: 6, strategy: .default)

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
