/// A deterministic way to cut an input into chunks, derived from the input itself.
///
/// The product's parsers are streaming: the same file arrives in whatever pieces the network
/// delivers. Cutting each input differently (yet reproducibly, so a saved crash replays) lets
/// the fuzzer reach chunk-boundary cases while every corpus file stays a plain, real file
/// rather than one with a control prefix.
public struct ChunkPlan: Sendable {
    private var state: UInt64

    /// A plan seeded by the FNV-1a hash of `bytes`.
    public init(for bytes: [UInt8]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        state = hash | 1
    }

    /// The next chunk length, at least 1: mostly tiny (1–16 bytes, where boundaries land inside
    /// headers), sometimes larger so long inputs still end.
    public mutating func nextLength() -> Int {
        // xorshift64*: enough randomness for cutting; no statistical quality needed.
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        let value = state &* 0x2545_f491_4f6c_dd1d
        let pick = Int(truncatingIfNeeded: value >> 40)
        switch pick % 8 {
        case 0..<5: return 1 + pick / 8 % 16
        case 5, 6: return 1 + pick / 8 % 512
        default: return 1 + pick / 8 % 8192
        }
    }

    /// The ranges that cut `count` bytes into consecutive chunks.
    public mutating func ranges(covering count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var at = 0
        while at < count {
            let end = min(count, at + nextLength())
            ranges.append(at..<end)
            at = end
        }
        return ranges
    }
}
