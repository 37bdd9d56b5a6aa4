#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import NIOCore

/// Streams one download body in chunks, applying the body faults and the bandwidth cap.
///
/// - `reset`: half the range is sent, then the socket is closed with SO_LINGER 0 (an RST).
/// - `truncate`: half the range is sent, then the connection is closed (a FIN) short of
///   `Content-Length`.
/// - `flip`: one byte inside the range (past the first 64 bytes when the range allows, so
///   headers stay readable) is XORed with 0xFF; length and ETag are unchanged.
/// - `trickle`: chunks of `trickle_chunk_bytes` with `trickle_delay_ms` pauses, for at most
///   `trickle_max_seconds`, then full speed.
/// - `cutAfterwards` (absurd_length): the range is sent, then the connection is closed.
struct BodyStreamer: Sendable {
    let core: SimulatorCore
    let body: ArtifactBody
    let range: Range<Int>
    let objectKey: String
    let fault: FaultKind?
    let isWholeObject: Bool
    let channel: any Channel
    let cutAfterwards: Bool

    /// The connection was cut on purpose; Hummingbird closes it when the body writer throws.
    struct DeliberateCut: Error {}

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var sent = 0
        defer { core.stats.sent(sent, object: objectKey) }
        let knobs = core.currentKnobs
        let cutsShort = fault == .reset || fault == .truncate
        let stopAt = cutsShort ? range.lowerBound + range.count / 2 : range.upperBound
        let flipAt = fault == .flip ? flipPosition() : nil
        let trickleEnd = fault == .trickle ? ContinuousClock.now + .milliseconds(Int64(knobs.trickleMaxSeconds * 1000)) : nil

        var position = range.lowerBound
        while position < stopAt {
            let bandwidth = core.currentKnobs.bandwidth
            let trickling = trickleEnd.map { ContinuousClock.now < $0 } ?? false
            let size =
                trickling
                ? knobs.trickleChunkBytes : BandwidthLimiter.chunkSize(bytesPerSecond: bandwidth, normal: core.config.chunkBytes)
            var chunk = body.chunk(at: position, maxLength: min(size, stopAt - position))
            let length = chunk.readableBytes
            if let flipAt, flipAt >= position, flipAt < position + length {
                chunk = Self.flipped(chunk, at: flipAt - position)
            }
            try await core.limiter.acquire(length, bytesPerSecond: bandwidth)
            try await writer.write(chunk)
            sent += length
            position += length
            if trickling, position < stopAt {
                try await Task.sleep(for: .milliseconds(knobs.trickleDelayMilliseconds))
            }
        }
        if cutsShort || cutAfterwards {
            if fault == .reset {
                // Linger 0, then close at once: the kernel answers with an RST, before the
                // stream's own shutdown can half-close the socket with a FIN.
                // A short pause first, so what was sent has reached the client's socket.
                try? await Task.sleep(for: .milliseconds(20))
                if let provider = channel as? any SocketOptionProvider {
                    try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                }
                try? await channel.close()
            }
            throw DeliberateCut()
        }
        try await writer.finish(nil)
        let whole = isWholeObject && fault != .flip
        core.stats.object(objectKey) { counters in
            if whole { counters.completedFullBodies += 1 } else if !isWholeObject { counters.completedRanges += 1 }
        }
    }

    /// A position fixed by the object key, inside the range.
    private func flipPosition() -> Int {
        let h = StableHash.combine(core.config.seed, StableHash.string("flip"), StableHash.string(objectKey))
        let margin = range.count > 128 ? 64 : 0
        return range.lowerBound + margin + Int(h % UInt64(range.count - margin))
    }

    private static func flipped(_ chunk: ByteBuffer, at index: Int) -> ByteBuffer {
        var copy = ByteBuffer()
        copy.writeImmutableBuffer(chunk)
        if let byte = copy.getInteger(at: copy.readerIndex + index, as: UInt8.self) {
            copy.setInteger(byte ^ 0xFF, at: copy.readerIndex + index)
        }
        return copy
    }
}
