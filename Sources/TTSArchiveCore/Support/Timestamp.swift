import Foundation

/// Every time the tool writes or reads, in one place, on Foundation's `Date.ISO8601FormatStyle`
/// (and a verbatim style for HTTP dates): the formats are pure Swift, locale-free and
/// thread-safe values, so nothing here needs a shared formatter or a lock.
///
/// Foundation's parsers stop at the first character they do not need and roll impossible
/// dates over (`02-30` becomes `03-02`), so every parse here is confirmed by formatting the
/// result again: a text is accepted only if it says exactly what was parsed.
public enum Timestamp {
    private static let utc = TimeZone(identifier: "UTC")!
    private static let internet = Date.ISO8601FormatStyle(timeZone: utc)
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: utc)
    private static let compactStyle = Date.ISO8601FormatStyle(
        dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted, timeZone: utc)
    private static let dayStyle = Date.ISO8601FormatStyle(timeZone: utc).year().month().day()
    private static let imfFixdate: Date.FormatString =
        "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .padded(4)) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT"
    private static let rfc850: Date.FormatString =
        "\(weekday: .wide), \(day: .twoDigits)-\(month: .abbreviated)-\(year: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT"
    private static let asctime: Date.FormatString =
        "\(weekday: .abbreviated) \(month: .abbreviated) \(day: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) \(year: .defaultDigits)"
    private static let posix = Locale(identifier: "en_US_POSIX")
    private static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar
    }()

    /// `2025-06-09T10:48:07Z`: RFC 3339 in UTC, whole seconds (fractions dropped, as Python's
    /// `strftime` drops them, which the signers rely on).
    public static func format(_ date: Date) -> String { internet.format(date) }

    /// `20250609T104807Z`: Huawei's `X-Sdk-Date`, Volcengine's `X-Date`, and the stamp in
    /// file names (no `:`, sorts by time).
    public static func compact(_ date: Date) -> String { compactStyle.format(date) }

    /// `2025-06-09`, the UTC day.
    public static func day(_ date: Date) -> String { dayStyle.format(date) }

    /// `Mon, 09 Jun 2025 10:48:07 GMT` (RFC 9110 IMF-fixdate).
    public static func httpDate(_ date: Date) -> String {
        Date.VerbatimFormatStyle(format: imfFixdate, locale: posix, timeZone: utc, calendar: gregorian).format(date)
    }

    /// Reads an HTTP date (`Date`, `Last-Modified`, `Retry-After`) in any of the three forms
    /// RFC 9110 §5.6.7 has recipients accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    /// Nil for anything else.
    public static func parseHTTPDate(_ text: String) -> Date? {
        // asctime pads a one-digit day with a space; one space between fields is canonical.
        let normalized = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in [imfFixdate, rfc850, asctime] {
            let strategy = Date.ParseStrategy(format: format, locale: posix, timeZone: utc, isLenient: false)
            let style = Date.VerbatimFormatStyle(format: format, locale: posix, timeZone: utc, calendar: gregorian)
            if let date = try? strategy.parse(normalized), style.format(date) == normalized { return date }
        }
        return nil
    }

    /// Reads `20250609T104807Z` exactly; nil for anything else.
    public static func parseCompact(_ text: String) -> Date? {
        guard let date = try? compactStyle.parse(text), compact(date) == text else { return nil }
        return date
    }

    /// Reads ISO 8601 as people and APIs write it: `Z` or an offset (`+08:00`), with or without
    /// fractional seconds, either case of `T`/`Z`, a space instead of `T`, a date-time without
    /// a zone (taken as UTC) or a bare date (midnight UTC). Nil for anything else, including
    /// impossible dates and times.
    public static func parse(_ text: String) -> Date? {
        var text = text.trimmingCharacters(in: .whitespaces).uppercased()
        if text.count == 10 {
            guard let date = try? dayStyle.parse(text), day(date) == text else { return nil }
            return date
        }
        let chars = Array(text)
        if chars.count > 10, chars[10] == " " { text = String(chars[..<10]) + "T" + String(chars[11...]) }
        if text.count == 19 { text += "Z" }
        guard let zone = zoneOffset(text), let date = try? fractional.parse(text) else { return nil }
        // The fields as written must be the fields of the instant read, in the zone written.
        let local = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: zone) ?? utc).format(date)
        guard local.prefix(19) == text.prefix(19) else { return nil }
        return date
    }

    /// The zone suffix's offset in seconds when everything after the seconds is a well-formed
    /// fraction and zone (`.123Z`, `+08:00`); nil otherwise.
    private static func zoneOffset(_ text: String) -> Int? {
        guard let match = text.dropFirst(19).wholeMatch(of: #/(?:\.[0-9]+)?(?:Z|([+-])([0-9]{2}):([0-9]{2}))/#) else { return nil }
        guard let sign = match.1, let hours = match.2.flatMap({ Int($0) }), let minutes = match.3.flatMap({ Int($0) }) else { return 0 }
        guard hours < 24, minutes < 60 else { return nil }
        return (hours * 3600 + minutes * 60) * (sign == "+" ? 1 : -1)
    }
}
