/// A small, fast, reproducible random number generator (SplitMix64).
///
/// The simulator's world must be identical for the same seed on every machine and every Swift
/// version, so it never uses `SystemRandomNumberGenerator`, `Hasher` (randomly seeded per
/// process) or the standard library's `random(in:using:)` (whose algorithm may change).
struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    /// A generator for one named stream of one seed, e.g. ("job", 17): independent of every
    /// other stream, so adding a knob to one part of the world never shifts another part.
    init(seed: UInt64, stream: String, index: UInt64 = 0) {
        self.state = StableHash.combine(seed, StableHash.string(stream), index)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0 ..< 1`.
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// Uniform in `range` (modulo bias is irrelevant at these sizes).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        if width == 0 { return Int(bitPattern: UInt(next())) }
        return range.lowerBound + Int(next() % width)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        items[int(in: 0...(items.count - 1))]
    }

    /// An element chosen by weight; `weights` must not all be zero.
    mutating func weighted<T>(_ items: [(T, Double)]) -> T {
        let total = items.reduce(0) { $0 + max(0, $1.1) }
        var target = unit() * total
        for (item, weight) in items where weight > 0 {
            if target < weight { return item }
            target -= weight
        }
        return items.last(where: { $0.1 > 0 })?.0 ?? items[0].0
    }

    /// `count` lower-case hex digits, the shape of MetaStudio's ids.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var bits = next(), left = 16
        for _ in 0..<count {
            if left == 0 { bits = next(); left = 16 }
            out.append(digits[Int(bits & 0xF)])
            bits >>= 4
            left -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Process-independent hashing (FNV-1a and a SplitMix finaliser) for seeded decisions.
enum StableHash {
    /// FNV-1a over the UTF-8 bytes.
    static func string(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Mixes values into one well-distributed hash.
    static func combine(_ values: UInt64...) -> UInt64 {
        var acc: UInt64 = 0x243F_6A88_85A3_08D3
        for value in values {
            acc = finalize((acc ^ value) &+ 0x9E37_79B9_7F4A_7C15)
        }
        return acc
    }

    /// A uniform draw in `0 ..< 1` fixed by (seed, tag, key): the basis of every "this object
    /// is faulty" decision, so raising a rate only ever adds objects to the faulty set.
    static func unit(seed: UInt64, tag: String, key: String) -> Double {
        let h = combine(seed, string(tag), string(key))
        return Double(h >> 11) / Double(UInt64(1) << 53)
    }

    private static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
