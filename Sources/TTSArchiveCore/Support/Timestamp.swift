import Foundation

/// Every time the tool writes or reads, in one place: RFC 3339 in UTC, the compact stamp of the
/// signers, the UTC day and HTTP dates. Formatting and reading are ``CivilTime`` arithmetic on
/// the text's bytes: pure values, thread-safe, and free of ICU (Foundation's formatters open
/// an ICU time zone on Linux, ~4 MiB of pages per run).
///
/// Reading is strict: a text is accepted only if every field is in range (nothing rolls over:
/// `02-30` is not `03-02`) and nothing follows what was read.
public enum Timestamp {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let wideWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2025-06-09T10:48:07Z`: RFC 3339 in UTC, whole seconds (fractions dropped, as Python's
    /// `strftime` drops them, which the signers rely on).
    public static func format(_ date: Date) -> String { dateTime(date, dateSeparator: "-", timeSeparator: ":") }

    /// `20250609T104807Z`: Huawei's `X-Sdk-Date`, Volcengine's `X-Date`, and the stamp in
    /// file names (no `:`, sorts by time).
    public static func compact(_ date: Date) -> String { dateTime(date, dateSeparator: "", timeSeparator: "") }

    /// `YYYY-MM-DDTHH:MM:SSZ` with the separators given, in UTC, whole seconds.
    private static func dateTime(_ date: Date, dateSeparator: String, timeSeparator: String) -> String {
        let t = CivilTime(date)
        return pad(t.year, 4) + dateSeparator + pad(t.month) + dateSeparator + pad(t.day) + "T"
            + pad(t.hour) + timeSeparator + pad(t.minute) + timeSeparator + pad(t.second) + "Z"
    }

    /// `2025-06-09`, the UTC day.
    public static func day(_ date: Date) -> String { String(format(date).prefix { $0 != "T" }) }

    /// `Mon, 09 Jun 2025 10:48:07 GMT` (RFC 9110 IMF-fixdate).
    public static func httpDate(_ date: Date) -> String {
        let t = CivilTime(date)
        return "\(weekdays[t.weekday]), \(pad(t.day)) \(months[t.month - 1]) \(pad(t.year, 4)) \(pad(t.hour)):\(pad(t.minute)):\(pad(t.second)) GMT"
    }

    /// Reads an HTTP date (`Date`, `Last-Modified`, `Retry-After`) in any of the three forms
    /// RFC 9110 §5.6.7 has recipients accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    /// The weekday must be the date's. Nil for anything else.
    public static func parseHTTPDate(_ text: String, now: Date = Date()) -> Date? {
        // asctime pads a one-digit day with a space; one space between fields is canonical.
        let normalized = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        var imf = TextScanner(normalized)
        if let weekday = imf.word(weekdays), imf.skip(", "), let day = imf.digits(2), imf.skip(" "),
           let month = imf.word(months), imf.skip(" "), let year = imf.digits(4), imf.skip(" "),
           let time = imf.timeOfDay(), imf.skip(" GMT"), imf.atEnd {
            return date(year: year, monthIndex: month, day: day, time, weekday: weekday)
        }
        var rfc850 = TextScanner(normalized)
        if let weekday = rfc850.word(wideWeekdays), rfc850.skip(", "), let day = rfc850.digits(2), rfc850.skip("-"),
           let month = rfc850.word(months), rfc850.skip("-"), let twoDigits = rfc850.digits(2), rfc850.skip(" "),
           let time = rfc850.timeOfDay(), rfc850.skip(" GMT"), rfc850.atEnd {
            // RFC 9110: a two-digit year more than 50 years ahead is the most recent past one.
            var year = CivilTime(now).year / 100 * 100 + twoDigits
            if year > CivilTime(now).year + 50 { year -= 100 }
            return date(year: year, monthIndex: month, day: day, time, weekday: weekday)
        }
        var asctime = TextScanner(normalized)
        if let weekday = asctime.word(weekdays), asctime.skip(" "), let month = asctime.word(months), asctime.skip(" "),
           let day = asctime.digits(1...2), asctime.skip(" "), let time = asctime.timeOfDay(), asctime.skip(" "),
           let year = asctime.digits(4), asctime.atEnd {
            return date(year: year, monthIndex: month, day: day, time, weekday: weekday)
        }
        return nil
    }

    /// Reads `20250609T104807Z` exactly; nil for anything else.
    public static func parseCompact(_ text: String) -> Date? {
        var scanner = TextScanner(text)
        guard let year = scanner.digits(4), let month = scanner.digits(2), let day = scanner.digits(2), scanner.skip("T"),
              let hour = scanner.digits(2), let minute = scanner.digits(2), let second = scanner.digits(2),
              scanner.skip("Z"), scanner.atEnd else { return nil }
        return date(CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    /// Reads ISO 8601 as people and APIs write it: `Z` or an offset (`+08:00`), with or without
    /// fractional seconds, either case of `T`/`Z`, a space instead of `T`, a date-time without
    /// a zone (taken as UTC) or a bare date (midnight UTC). Nil for anything else, including
    /// impossible dates and times.
    public static func parse(_ text: String) -> Date? {
        let blank: Set<UInt8> = [0x20, 0x09]
        let bytes = text.utf8.drop { blank.contains($0) }.reversed().drop { blank.contains($0) }.reversed()
            .map { $0 == UInt8(ascii: "t") ? UInt8(ascii: "T") : $0 == UInt8(ascii: "z") ? UInt8(ascii: "Z") : $0 }
        var scanner = TextScanner(bytes)
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
              let day = scanner.digits(2) else { return nil }
        if scanner.atEnd { return date(CivilTime(year: year, month: month, day: day)) }
        guard scanner.skip("T") || scanner.skip(" "), let time = scanner.timeOfDay() else { return nil }
        var fraction = 0.0
        if scanner.skip(".") {
            let digits = scanner.digitRun()
            guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
            fraction = value
        }
        var offset = 0
        if !scanner.skip("Z"), let sign = scanner.oneOf("+-") {
            guard let hours = scanner.digits(2), scanner.skip(":"), let minutes = scanner.digits(2), hours < 24, minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
        }
        guard scanner.atEnd,
              let local = date(CivilTime(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2))
        else { return nil }
        return local.addingTimeInterval(TimeInterval(-offset) + fraction)
    }

    /// An HTTP date's fields (`monthIndex` 0–11, as ``TextScanner/word(_:)`` reads it), checked
    /// against its weekday.
    private static func date(year: Int, monthIndex: Int, day: Int, _ time: (Int, Int, Int), weekday: Int) -> Date? {
        date(CivilTime(year: year, month: monthIndex + 1, day: day, hour: time.0, minute: time.1, second: time.2), weekday: weekday)
    }

    private static func date(_ time: CivilTime, weekday: Int? = nil) -> Date? {
        guard let seconds = time.seconds, weekday == nil || weekday == time.weekday else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A cursor over ASCII text for ``Timestamp``'s readers: every step either consumes what it
/// names and answers it, or leaves the cursor where it was and answers nil/false.
private struct TextScanner {
    private let bytes: [UInt8]
    private var at = 0

    init(_ text: String) { bytes = Array(text.utf8) }
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { at == bytes.count }

    /// Exactly `count` ASCII digits.
    mutating func digits(_ count: Int) -> Int? { digits(count...count) }

    /// Between `counts.lowerBound` and `counts.upperBound` ASCII digits, as many as there are.
    mutating func digits(_ counts: ClosedRange<Int>) -> Int? {
        var end = at
        while end < bytes.count, end - at < counts.upperBound, (0x30...0x39).contains(bytes[end]) { end += 1 }
        guard counts.contains(end - at) else { return nil }
        defer { at = end }
        return bytes[at..<end].reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// All the ASCII digits from here, as text (possibly none).
    mutating func digitRun() -> String {
        let start = at
        while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    /// `HH:MM:SS`, unchecked (``CivilTime/seconds`` checks the ranges).
    mutating func timeOfDay() -> (Int, Int, Int)? {
        let start = at
        guard let hour = digits(2), skip(":"), let minute = digits(2), skip(":"), let second = digits(2) else {
            at = start
            return nil
        }
        return (hour, minute, second)
    }

    mutating func skip(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard bytes.count - at >= expected.count, bytes[at..<at + expected.count].elementsEqual(expected) else { return false }
        at += expected.count
        return true
    }

    /// The byte here when it is one of `choices`.
    mutating func oneOf(_ choices: String) -> UInt8? {
        guard at < bytes.count, choices.utf8.contains(bytes[at]) else { return nil }
        defer { at += 1 }
        return bytes[at]
    }

    /// The index of the word of `words` spelled here (case as written).
    mutating func word(_ words: [String]) -> Int? {
        for (index, word) in words.enumerated() where skip(word) { return index }
        return nil
    }
}
