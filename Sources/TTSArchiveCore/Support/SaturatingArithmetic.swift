/// Sums and conversions of sizes that stop at the largest value instead of trapping.
///
/// Sizes come from manifests and state files, which a damaged or hostile file can fill with
/// values near `Int64.max`; a report or an export must say "very large", not crash. Saturation
/// is documented where it is used: a total that reaches `Int64.max` is shown as such.
public extension Sequence where Element == Int64 {
    /// The sum, clamped to `Int64.min ... Int64.max`.
    func saturatingSum() -> Int64 {
        reduce(Int64(0)) { $0.saturatingAdd($1) }
    }
}

public extension Int64 {
    /// `self + other`, clamped to the representable range.
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `value` rounded toward zero and clamped; NaN is 0. For sizes computed as Doubles (charts).
    init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_807.0 {
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}
