/// A set of job ids that keeps MetaStudio's usual form, 32 lowercase hex digits, in 16 bytes
/// instead of a heap-allocated `String` each: a listing of 100,000 jobs held ~7 MiB of id
/// strings to tell new jobs from ones seen again (bench/results.md, section 3). Any other id
/// (another form, or a hostile one) is kept as its string, so two different ids never collide.
struct JobIDSet: Sendable {
    private struct Packed: Hashable, Sendable {
        var high: UInt64
        var low: UInt64
    }

    private var packed: Set<Packed> = []
    private var others: Set<String> = []

    var count: Int { packed.count + others.count }

    /// Room for `count` ids without growing: a set that doubles holds its old and new table at
    /// once, and the server says up front how many jobs a listing has.
    mutating func reserveCapacity(_ count: Int) {
        packed.reserveCapacity(count)
    }

    /// Adds `id`; true when it was not there.
    @discardableResult
    mutating func insert(_ id: String) -> Bool {
        if let key = Self.pack(id) { return packed.insert(key).inserted }
        return others.insert(id).inserted
    }

    func contains(_ id: String) -> Bool {
        if let key = Self.pack(id) { return packed.contains(key) }
        return others.contains(id)
    }

    /// The 128 bits of 32 lowercase hex digits; nil for any other text (uppercase digits too,
    /// so that the packed form stands for exactly one string).
    private static func pack(_ id: String) -> Packed? {
        var high: UInt64 = 0, low: UInt64 = 0, digits = 0
        for byte in id.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            guard digits < 32 else { return nil }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
        }
        return digits == 32 ? Packed(high: high, low: low) : nil
    }
}
