/// Decides which transient fault, if any, a listing request or download attempt suffers.
///
/// A value type with no I/O: the simulator keeps one behind a lock and asks it once per
/// request. Two modes (``FaultMode``):
/// - `first_attempts`: a key (object key, or a listing query) is *faulty* for a fault when
///   `hash(seed, fault, key) < rate`; the first of the listed faults it is faulty for is
///   injected on its first `attempts` requests, and later requests are clean. Raising a rate
///   only adds keys, and a retry always ends up succeeding.
/// - `random`: each request draws against each rate in turn from the seeded generator.
struct FaultPlanner: Sendable {
    private let seed: UInt64
    private var attempts: [String: Int] = [:]
    private var rng: SeededRandom

    init(seed: UInt64) {
        self.seed = seed
        self.rng = SeededRandom(seed: seed, stream: "random-faults")
    }

    /// Counts an attempt of `key` and returns the fault to inject into it, if any.
    mutating func decide(
        key: String, among kinds: [FaultKind], rates: FaultRates, mode: FaultMode, faultyAttempts: Int
    ) -> FaultKind? {
        let attempt = attempts[key, default: 0] + 1
        attempts[key] = attempt
        switch mode {
        case .firstAttempts:
            guard attempt <= faultyAttempts else { return nil }
            return kinds.first { kind in Self.isFaulty(seed: seed, kind: kind, key: key, rate: rates[kind]) }
        case .random:
            return kinds.first { kind in rates[kind] > 0 && rng.chance(rates[kind]) }
        }
    }

    /// Counts an attempt of `key` outside ``decide(key:among:rates:mode:faultyAttempts:)`` (a
    /// sticky per-object fault); returns its number, 1 for the first.
    mutating func count(_ key: String) -> Int {
        let attempt = attempts[key, default: 0] + 1
        attempts[key] = attempt
        return attempt
    }

    /// How many attempts of `key` have been counted.
    func attemptCount(_ key: String) -> Int { attempts[key, default: 0] }

    /// Forgets every attempt, so faulty keys fail again on their next request.
    mutating func resetAttempts() { attempts = [:] }

    /// Whether `key` is in the faulty set of `kind` at `rate`: also used directly for the
    /// persistent per-object faults (foreign_host, redirect_file, absurd_length).
    static func isFaulty(seed: UInt64, kind: FaultKind, key: String, rate: Double) -> Bool {
        rate > 0 && StableHash.unit(seed: seed, tag: kind.rawValue, key: key) < rate
    }
}
