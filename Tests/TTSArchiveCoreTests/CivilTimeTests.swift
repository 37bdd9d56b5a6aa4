import Foundation
import Testing
@testable import TTSArchiveCore

/// ``CivilTime`` and ``Timestamp`` are arithmetic of their own (Foundation's formatters open
/// an ICU time zone): checked here against Foundation's ISO 8601 style as the oracle.
@Suite struct CivilTimeTests {
    @Test func agreesWithFoundationAcrossFourCenturies() {
        let oracle = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!)
        var generator = SystemRandomNumberGenerator()
        // 1900-01-01 … 2300-01-01, plus the edges of leap days and of the epoch.
        var instants: [TimeInterval] = [-2_208_988_800, 0, -1, 951_782_400, 951_868_799, 4_107_542_400, 1_709_164_800]
        for _ in 0..<5000 { instants.append(TimeInterval(Int64.random(in: -2_208_988_800...10_413_792_000, using: &generator))) }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = oracle.format(date)
            #expect(Timestamp.format(date) == expected, "\(seconds)")
            #expect(Timestamp.parse(expected) == date, "\(expected)")
            #expect(CivilTime(date).seconds == Int(seconds))
            #expect(Timestamp.parseHTTPDate(Timestamp.httpDate(date), now: date) == date, "\(Timestamp.httpDate(date))")
        }
    }

    @Test func weekdaysAndFractions() {
        #expect(CivilTime(Date(timeIntervalSince1970: 0)).weekday == 4)  // a Thursday
        #expect(CivilTime(Date(timeIntervalSince1970: -86_400)).weekday == 3)
        #expect(CivilTime(Date(timeIntervalSince1970: -0.5)) == CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(CivilTime(year: 2024, month: 2, day: 29).seconds != nil)
        #expect(CivilTime(year: 2100, month: 2, day: 29).seconds == nil)
        #expect(CivilTime(year: 2000, month: 2, day: 29).seconds != nil)
    }

    /// RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is the most recent past one.
    @Test func rfc850YearsPivotOnNow() {
        let now = Date(timeIntervalSince1970: 1_764_979_200)  // 2025-12-06
        #expect(Timestamp.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT", now: now).map(Timestamp.format) == "1994-11-06T08:49:37Z")
        #expect(Timestamp.parseHTTPDate("Wednesday, 06-Nov-75 08:49:37 GMT", now: now).map(Timestamp.format) == "2075-11-06T08:49:37Z")
        #expect(Timestamp.parseHTTPDate("Saturday, 06-Nov-76 08:49:37 GMT", now: now).map(Timestamp.format) == "1976-11-06T08:49:37Z")
        #expect(Timestamp.parseHTTPDate("Sun Nov 06 08:49:37 1994", now: now) != nil)
        #expect(Timestamp.parseHTTPDate("sun, 06 Nov 1994 08:49:37 GMT", now: now) == nil)
        #expect(Timestamp.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 UTC", now: now) == nil)
        #expect(Timestamp.parseHTTPDate("Sun, 31 Nov 1994 08:49:37 GMT", now: now) == nil)
    }
}
