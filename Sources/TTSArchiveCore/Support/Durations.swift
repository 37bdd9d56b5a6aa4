import Foundation

/// Short human durations: `42s`, `5m 03s`, `2h 10m`, `3d 4h`.
public enum Durations {
    /// `seconds` as a short text.
    public static func text(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm %02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh %02dm", s / 3600, (s % 3600) / 60) }
        return "\(s / 86400)d \((s % 86400) / 3600)h"
    }
}
