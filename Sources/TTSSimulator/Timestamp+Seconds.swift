import Foundation
import TTSArchiveCore

/// The simulator keeps its world's times as whole seconds since 1970; these write them in the
/// tool's own formats, so what the simulator serves and what the tool reads cannot drift apart.
extension Timestamp {
    /// `2025-06-09T10:48:07Z`.
    static func format(seconds: Int64) -> String { format(Date(timeIntervalSince1970: TimeInterval(seconds))) }

    /// `Mon, 09 Jun 2025 10:48:07 GMT`.
    static func httpDate(seconds: Int64) -> String { httpDate(Date(timeIntervalSince1970: TimeInterval(seconds))) }
}
