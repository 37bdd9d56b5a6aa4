/// Collects the bytes of one region `[start, start + count)` of a stream that arrives in chunks.
///
/// The binary scanners (WAV, MP3) walk a file by jumping from header to header; this lets them
/// do so over a stream without keeping more than the header they are looking at, however far
/// apart the headers are (a WAV data chunk of 1 GiB is skipped by arithmetic, not buffered).
struct StreamWindow: Sendable {
    /// Absolute offset of the region's first byte.
    private(set) var start: Int64
    /// How many bytes the region spans.
    private(set) var count: Int
    /// The region's bytes gathered so far (a prefix of the region).
    private(set) var bytes: [UInt8] = []

    init(start: Int64, count: Int) {
        precondition(count > 0 && start >= 0, "a window covers at least one byte")
        self.start = start
        self.count = count
        bytes.reserveCapacity(count)
    }

    /// A window over `[start, start + count)` that keeps whatever `previous` already gathered of
    /// that region, for a scanner whose next header may begin inside the bytes it just read
    /// (two tiny MP3 frames inside one 64-byte look-ahead).
    init(start: Int64, count: Int, carryingFrom previous: StreamWindow) {
        self.init(start: start, count: count)
        let previousEnd = previous.start + Int64(previous.bytes.count)
        guard start >= previous.start, start < previousEnd else { return }
        let from = Int(start - previous.start)
        let upTo = Int(min(previousEnd, start + Int64(count)) - previous.start)
        bytes.append(contentsOf: previous.bytes[from..<upTo])
    }

    /// True once every byte of the region has been gathered.
    var isComplete: Bool { bytes.count == count }

    /// Absolute offset just past the region.
    var end: Int64 { start + Int64(count) }

    /// Gathers the part of `chunk` (whose first byte sits at absolute offset `base`) that falls
    /// in the region and has not been gathered yet. Chunks must arrive in stream order; feeding
    /// the same chunk again is harmless, which lets a scanner open its next window and re-feed
    /// the chunk that completed the previous one.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, at base: Int64) {
        let wantFrom = start + Int64(bytes.count)
        let chunkEnd = base + Int64(chunk.count)
        guard !isComplete, wantFrom >= base, wantFrom < chunkEnd else { return }
        let from = Int(wantFrom - base)
        let upTo = Int(min(end, chunkEnd) - base)
        bytes.append(contentsOf: chunk[from..<upTo])
    }

    /// Widens the region to `newCount` bytes from the same start, keeping what was gathered, so
    /// a scanner can look further once the first bytes told it what it is looking at.
    mutating func extend(to newCount: Int) {
        if newCount > count { count = newCount }
    }

    /// Reads a little-endian unsigned 16-bit value at `offset` within the gathered bytes.
    func uint16LE(at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    /// Reads a little-endian unsigned 32-bit value at `offset` within the gathered bytes.
    func uint32LE(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    /// Reads a big-endian unsigned 32-bit value at `offset` within the gathered bytes.
    func uint32BE(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    /// True when the gathered bytes at `offset` spell `ascii`.
    func matches(_ ascii: String, at offset: Int) -> Bool {
        let expected = Array(ascii.utf8)
        guard offset >= 0, offset + expected.count <= bytes.count else { return false }
        return bytes[offset..<offset + expected.count].elementsEqual(expected)
    }
}
