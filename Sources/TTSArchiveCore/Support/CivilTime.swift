import Foundation

/// A UTC calendar date and time of day in the proleptic Gregorian calendar, converted to and
/// from seconds since 1970 by arithmetic alone (Howard Hinnant's `days_from_civil` and
/// `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html).
///
/// Why not `Calendar` and `TimeZone`: on Linux, `TimeZone(identifier: "UTC")` and the
/// formatters that take a zone open an ICU time zone, which pulled ~4 MiB of ICU pages into
/// every run for what is plain arithmetic in UTC (bench/results.md, "Memory floor").
struct CivilTime: Equatable {
    var year: Int
    /// 1–12.
    var month: Int
    /// 1–31.
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0

    /// The fields of `date` in UTC; the fraction of a second is dropped (rounded down).
    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, inDay) = Self.floorDivide(seconds, 86_400)
        (year, month, day) = Self.civil(fromDays: days)
        hour = inDay / 3600
        minute = inDay % 3600 / 60
        second = inDay % 60
    }

    /// Fields as read; nothing is checked until ``seconds``.
    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second) = (hour, minute, second)
    }

    /// Seconds since 1970 in UTC, or nil when a field is out of range (`02-30`, hour 24, second
    /// 60): nothing rolls over.
    var seconds: Int? {
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else { return nil }
        return Self.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int {
        let (_, remainder) = Self.floorDivide(Self.days(year: year, month: month, day: day) + 4, 7)  // 1970-01-01 was a Thursday
        return remainder
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a valid date.
    private static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let (era, _) = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let (era, _) = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> (quotient: Int, remainder: Int) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
