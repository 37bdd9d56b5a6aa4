import Foundation

/// A run's window of job creation times; both bounds inclusive, as the API's `create_since` (>=)
/// and `create_until` (<=). Whole seconds, as the API compares them.
public struct TimeWindow: Sendable, Hashable, Codable {
    public var since: Date
    public var until: Date

    public init(since: Date, until: Date) throws {
        let s = Date(timeIntervalSince1970: since.timeIntervalSince1970.rounded(.down))
        let u = Date(timeIntervalSince1970: until.timeIntervalSince1970.rounded(.down))
        guard s <= u else {
            throw TTSArchiveError(.configuration, "--since \(Timestamp.format(s)) is after --until \(Timestamp.format(u))", fix: "swap them")
        }
        self.since = s
        self.until = u
    }
}
