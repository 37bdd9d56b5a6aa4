import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("Retry policy: full-jitter backoff and Retry-After")
struct RetryPolicyTests {
    let policy = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(500), maxBackoff: .seconds(30), maxDelay: .seconds(120))

    @Test(
        "the backoff window doubles from the base and stops at the cap",
        arguments: [
            (0, Duration.milliseconds(500)), (1, .seconds(1)), (2, .seconds(2)), (5, .seconds(16)), (6, .seconds(30)),
            (7, .seconds(30)), (62, .seconds(30)), (63, .seconds(30)), (10_000, .seconds(30)), (-3, .milliseconds(500)),
        ])
    func window(retry: Int, expected: Duration) {
        #expect(policy.backoffWindow(forRetry: retry) == expected)
    }

    @Test("jittered delays stay inside the window and spread over it", arguments: [0, 3, 8])
    func jitterBounds(retry: Int) {
        var generator = RetryPolicy.SeededGenerator(seed: UInt64(retry) + 7)
        let window = policy.backoffWindow(forRetry: retry)
        let delays = (0..<2_000).map { _ in policy.delay(forRetry: retry, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= window })
        let mean = delays.reduce(Duration.zero, +) / delays.count
        // Full jitter: uniform on [0, window], so the mean sits near half the window.
        #expect(mean > window * 0.45 && mean < window * 0.55, "mean \(mean) of window \(window)")
        #expect(delays.contains { $0 < window * 0.1 })
        #expect(Set(delays).count > 1_900)
    }

    @Test("the same seed gives the same delays; another seed others")
    func determinism() {
        var first = RetryPolicy.SeededGenerator(seed: 1)
        var second = RetryPolicy.SeededGenerator(seed: 1)
        var other = RetryPolicy.SeededGenerator(seed: 2)
        let a = (0..<20).map { policy.delay(forRetry: $0 % 6, using: &first) }
        let b = (0..<20).map { policy.delay(forRetry: $0 % 6, using: &second) }
        let c = (0..<20).map { policy.delay(forRetry: $0 % 6, using: &other) }
        #expect(a == b)
        #expect(a != c)
    }

    @Test("SplitMix64 matches its reference output")
    func splitMixReference() {
        var generator = RetryPolicy.SeededGenerator(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("Retry-After raises the delay, never beyond the maximum")
    func retryAfter() {
        var generator = RetryPolicy.SeededGenerator(seed: 3)
        // Larger than the 0.5 s window: exactly what the server asked.
        #expect(policy.delay(forRetry: 0, retryAfter: .seconds(10), using: &generator) == .seconds(10))
        // Smaller than the window: at least that, at most the window.
        for _ in 0..<200 {
            let delay = policy.delay(forRetry: 5, retryAfter: .seconds(3), using: &generator)
            #expect(delay >= .seconds(3) && delay <= .seconds(16))
        }
        #expect(policy.delay(forRetry: 0, retryAfter: .seconds(3_600), using: &generator) == .seconds(120))
        let tight = RetryPolicy(
            maxAttempts: 3, baseDelay: .seconds(10), maxBackoff: .seconds(60), maxDelay: .seconds(5))
        for retry in 0..<5 { #expect(tight.delay(forRetry: retry, using: &generator) <= .seconds(5)) }
    }

    @Test("the attempt budget counts the first attempt")
    func budget() {
        #expect(policy.allowsRetry(afterAttempts: 1))
        #expect(policy.allowsRetry(afterAttempts: 3))
        #expect(!policy.allowsRetry(afterAttempts: 4))
        #expect(!RetryPolicy(maxAttempts: 0).allowsRetry(afterAttempts: 1))
    }

    @Test(
        "Retry-After values",
        arguments: [
            ("120", Duration?.some(.seconds(120))), (" 5 ", .seconds(5)), ("0", .zero),
            ("99999999999999999999", .seconds(999_999_999)),
            ("-1", nil), ("1.5", nil), ("soon", nil), ("", nil),
            ("Tue, 14 Nov 2023 22:14:50 GMT", .seconds(30)),
            ("Tuesday, 14-Nov-23 22:15:20 GMT", .seconds(60)),
            ("Tue Nov 14 22:14:21 2023", .seconds(1)),
            ("Tue, 14 Nov 2023 22:00:00 GMT", .zero),
            ("Tue, 14 Nov 2023 22:14:50 PST", nil),
            ("Tue, 14 Foo 2023 22:14:50 GMT", nil),
            ("Tue, 14 Nov 2023 25:14:50 GMT", nil),
        ])
    func parseRetryAfter(value: String, expected: Duration?) {
        let now = Date(timeIntervalSince1970: 1_700_000_060)  // 2023-11-14T22:14:20Z
        #expect(RetryPolicy.parseRetryAfter(value, now: now) == expected)
    }

    @Test("HTTP-dates decode to the instant they name (RFC 9110's example)")
    func httpDate() {
        let instant = Date(timeIntervalSince1970: 784_111_777)
        #expect(Timestamp.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == instant)
        #expect(Timestamp.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == instant)
        #expect(Timestamp.parseHTTPDate("Sun Nov  6 08:49:37 1994") == instant)
        #expect(
            Timestamp.parseHTTPDate("Thu, 29 Feb 2024 00:00:00 GMT") == Date(timeIntervalSince1970: 1_709_164_800))
    }

    @Test("the header form used by API calls reads the raw value")
    func headerForm() {
        var generator = RetryPolicy.SeededGenerator(seed: 9)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "7", now: now, using: &generator) == .seconds(7))
        let plain = policy.delay(afterAttempt: 3, retryAfter: nil, now: now, using: &generator)
        #expect(plain <= policy.backoffWindow(forRetry: 2))
        let garbage = policy.delay(afterAttempt: 1, retryAfter: "later", now: now, using: &generator)
        #expect(garbage <= .milliseconds(500))
    }
}
