public import Foundation

/// How often and how patiently to retry a transient failure: exponential backoff with "full
/// jitter", honouring `Retry-After`, within a number of attempts.
///
/// Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th retry sleeps
/// a uniformly random time in `0 … min(maxBackoff, baseDelay · 2ⁿ)`. Spreading retries over the
/// whole window, rather than around its end, is what keeps many clients that failed together
/// from retrying together. Randomness is injected, so tests are deterministic.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first one included; 1 means never retry.
    public var maxAttempts: Int
    /// The backoff window of the first retry.
    public var baseDelay: Duration
    /// The largest backoff window, however many retries came before.
    public var maxBackoff: Duration
    /// No wait ever exceeds this, whatever a server's `Retry-After` asks: a link expires in an
    /// hour, and a run must finish in its night.
    public var maxDelay: Duration

    /// A policy; the defaults suit downloads from object storage.
    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30),
        maxDelay: Duration = .seconds(120)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(.zero, baseDelay)
        self.maxBackoff = max(.zero, maxBackoff)
        self.maxDelay = max(.zero, maxDelay)
    }

    /// True when another attempt may follow `attempts` attempts that all failed.
    public func allowsRetry(afterAttempts attempts: Int) -> Bool {
        attempts < maxAttempts
    }

    /// The upper bound of the jittered sleep before retry number `retry` (0 for the first):
    /// `min(maxBackoff, baseDelay · 2^retry)`, without overflowing for large `retry`.
    public func backoffWindow(forRetry retry: Int) -> Duration {
        let base = Self.nanoseconds(baseDelay)
        let cap = Self.nanoseconds(maxBackoff)
        guard base > 0 else { return .zero }
        let shift = max(0, retry)
        // base · 2^shift > cap exactly when base > cap >> shift; checking that way never overflows.
        guard shift < 63, base <= cap >> UInt64(shift) else { return .nanoseconds(Int64(cap)) }
        return .nanoseconds(Int64(base << UInt64(shift)))
    }

    /// The wait before retry number `retry` (0 for the first): a full-jitter draw from
    /// ``backoffWindow(forRetry:)``, raised to `retryAfter` when the server asked for longer,
    /// and never beyond ``maxDelay``.
    public func delay(
        forRetry retry: Int, retryAfter: Duration? = nil, using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let window = Self.nanoseconds(backoffWindow(forRetry: retry))
        let jittered = Duration.nanoseconds(Int64(UInt64.random(in: 0...window, using: &generator)))
        let wanted = max(jittered, retryAfter ?? .zero)
        return min(wanted, maxDelay)
    }

    /// The wait after attempt number `attempt` (1 for the first) failed; `retryAfter` is the
    /// raw `Retry-After` header, if the answer had one, read against the clock `now`.
    public func delay(
        afterAttempt attempt: Int, retryAfter header: String?, now: Date = Date(),
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let asked = header.flatMap { Self.parseRetryAfter($0, now: now) }
        return delay(forRetry: attempt - 1, retryAfter: asked, using: &generator)
    }

    /// The wait a `Retry-After` value asks for: delay-seconds (`120`) or an HTTP-date (RFC 9110
    /// §10.2.3), measured from `now`. A date in the past asks for no wait. Nil when the value is
    /// neither, which callers treat as no header.
    public static func parseRetryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            // Saturate rather than overflow: anything past a day is capped by maxDelay anyway.
            let seconds = text.count > 9 ? 999_999_999 : Int64(text) ?? 0
            return .seconds(seconds)
        }
        guard let date = Timestamp.parseHTTPDate(text) else { return nil }
        let seconds = date.timeIntervalSince(now)
        return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.up))) : .zero
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let whole = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !whole.overflow else { return UInt64(Int64.max) }
        return min(UInt64(Int64.max), whole.partialValue + UInt64(max(0, attoseconds) / 1_000_000_000))
    }
}

extension RetryPolicy {
    /// A small, fast, seedable generator (SplitMix64) for reproducible jitter in tests and in
    /// state machines that must stay pure values.
    public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
        private var state: UInt64

        /// A generator whose sequence is fixed by `seed`.
        public init(seed: UInt64) {
            state = seed
        }

        /// The next 64 random bits.
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

extension RetryPolicy {
    /// API calls (listing, inventories): the same shape.
    public static let api = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(300), maxBackoff: .seconds(20))
}
