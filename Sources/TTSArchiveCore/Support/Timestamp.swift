import Foundation

/// Times as MetaStudio writes them (RFC 3339 UTC, whole seconds: `2025-06-09T10:48:07Z`), and
/// any ISO 8601 a user types.
public enum Timestamp {
    /// `2025-06-09T10:48:07Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Parses ISO 8601: with or without fractional seconds, `Z` or an offset, a space instead of
    /// `T`, or a bare date (midnight UTC). Nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "T")
        // A date-time without a zone is taken as UTC.
        if trimmed.count == 19, trimmed.contains("T") { trimmed += "Z" }
        var variants: [ISO8601DateFormatter.Options] = [
            [.withInternetDateTime],
            [.withInternetDateTime, .withFractionalSeconds],
        ]
        if trimmed.count == 10 { variants = [[.withFullDate]] }
        for options in variants {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            formatter.timeZone = TimeZone(identifier: "UTC")
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }
}
