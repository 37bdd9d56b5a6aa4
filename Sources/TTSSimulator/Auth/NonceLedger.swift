import Foundation
import TTSNative

/// The signature nonces a gateway has seen, each kept for as long as a request carrying it could
/// still pass the timestamp check; a nonce seen twice in that time is a replay.
public final class NonceLedger: Sendable {
    private let seen = Locked<[String: Date]>([:])

    public init() {}

    /// Records `nonce`; false when it was already recorded within `window` seconds of `now`.
    func claim(_ nonce: String, at now: Date, window: TimeInterval) -> Bool {
        seen.withLock { seen in
            // Forget nonces whose requests could no longer pass the skew check anyway.
            if seen.count > 10_000 { seen = seen.filter { now.timeIntervalSince($0.value) <= 2 * window } }
            if let earlier = seen[nonce], now.timeIntervalSince(earlier) <= 2 * window { return false }
            seen[nonce] = now
            return true
        }
    }
}
