import TTSNative

/// A global pacing of download bytes across all transfers (a virtual-time token bucket).
///
/// Each chunk reserves its share of the wire: it may start when the previous reservations have
/// drained, minus a small burst allowance. The caller sleeps until its start time, so concurrent
/// transfers interleave fairly and the total never exceeds the rate for long.
final class BandwidthLimiter: Sendable {
    private let nextFree = Locked<ContinuousClock.Instant?>(nil)

    /// Waits until `bytes` more may be sent at `bytesPerSecond`; returns at once without a cap.
    func acquire(_ bytes: Int, bytesPerSecond: Int?) async throws {
        guard let rate = bytesPerSecond, rate > 0, bytes > 0 else { return }
        let now = ContinuousClock.now
        let cost = Duration.nanoseconds(Int64(Double(bytes) / Double(rate) * 1e9))
        let burst = Duration.milliseconds(50)
        let start: ContinuousClock.Instant = nextFree.withLock { next in
            let earliest = max(now - burst, next ?? now)
            next = earliest + cost
            return earliest
        }
        if start > now { try await Task.sleep(until: start, clock: .continuous) }
    }

    /// The chunk size to use under a cap: about 1/20 s of the rate, so pacing stays smooth.
    static func chunkSize(bytesPerSecond: Int?, normal: Int) -> Int {
        guard let rate = bytesPerSecond else { return normal }
        return min(normal, max(1024, rate / 20))
    }
}
