internal import CZlib

/// How an object is compressed: the deflate engine, its level and (zlib only) its strategy.
/// Fixed per kind of content so that the same content always produces the same bytes with the
/// same library build.
public struct GzipProfile: Sendable, Hashable, CustomStringConvertible {
    /// The zlib strategy.
    public enum Strategy: Sendable, Hashable {
        case `default`, rle, huffmanOnly, filtered
    }

    /// Which library deflates. Both write one standard gzip member that zlib, `gunzip` and every
    /// other gzip reader inflate; only zlib is used to read.
    public enum Engine: Sendable, Hashable {
        /// zlib's `deflate` (streaming; output independent of how the input is split).
        case zlib
        /// ISA-L's igzip `isal_deflate` (levels 0–3), fed in fixed blocks (``IsalGzipDeflater``).
        case isal
    }

    public let engine: Engine
    public let level: Int32
    public let strategy: Strategy

    /// A zlib profile.
    public init(level: Int32, strategy: Strategy) {
        self.init(engine: .zlib, level: level, strategy: strategy)
    }

    private init(engine: Engine, level: Int32, strategy: Strategy) {
        self.engine = engine
        self.level = level
        self.strategy = strategy
    }

    /// An ISA-L igzip profile (level 0–3). Only usable when ``isalAvailable``.
    public static func isal(level: Int32) -> GzipProfile {
        GzipProfile(engine: .isal, level: level, strategy: .default)
    }

    /// True when this build links ISA-L. Builds made with `TTSARCHIVE_DEFLATE=zlib` (or where
    /// `libisal-dev` is not installed) deflate with zlib only.
    public static var isalAvailable: Bool {
        #if TTSARCHIVE_ISAL
        return true
        #else
        return false
        #endif
    }

    public var description: String {
        switch engine {
        case .zlib: return "zlib level \(level), strategy \(strategy)"
        case .isal: return "ISA-L igzip level \(level)"
        }
    }

    var zlibStrategy: Int32 {
        switch strategy {
        case .default: return Z_DEFAULT_STRATEGY
        case .rle: return Z_RLE
        case .huffmanOnly: return Z_HUFFMAN_ONLY
        case .filtered: return Z_FILTERED
        }
    }
}
