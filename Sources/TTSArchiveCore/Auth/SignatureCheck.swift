import Crypto
import Foundation

/// The outcome of checking a signed request the way the cloud's API gateway would.
///
/// No case ever carries a secret: `malformed` names what is wrong with the request, and
/// `mismatch` says only that the signature is not the one the secret key gives.
public enum SignatureCheck: Sendable, Equatable {
    /// The signature is right for this access key.
    case valid(accessKey: String)
    /// The request has no `Authorization` header.
    case missing
    /// The `Authorization` header or a header it depends on cannot be read; says what.
    case malformed(String)
    /// The signature names an access key the server does not know.
    case unknownAccessKey(String)
    /// The signature is not the one the access key's secret gives for this request.
    case mismatch
    /// The signed date is further from the server's clock than the allowed skew.
    case clockSkew
}

/// UTC timestamps in the two layouts the signers put on the wire.
///
/// Computed by hand from the epoch rather than with a formatter so that signing never depends
/// on a locale, a calendar setting or a shared formatter's thread safety. Fractions of a second
/// are dropped, as Python's `strftime` drops them.
enum SigningTime {
    /// `20250609T104807Z` (Huawei `X-Sdk-Date`, Volcengine `X-Date`).
    static func compact(_ date: Date) -> String {
        let f = fields(date)
        return pad(f.year, 4) + pad(f.month, 2) + pad(f.day, 2) + "T" + pad(f.hour, 2)
            + pad(f.minute, 2) + pad(f.second, 2) + "Z"
    }

    /// `2025-06-09T10:48:07Z` (Alibaba `x-acs-date`).
    static func iso8601(_ date: Date) -> String {
        let f = fields(date)
        return pad(f.year, 4) + "-" + pad(f.month, 2) + "-" + pad(f.day, 2) + "T" + pad(f.hour, 2)
            + ":" + pad(f.minute, 2) + ":" + pad(f.second, 2) + "Z"
    }

    /// Reads ``compact(_:)``'s layout; nil for anything else.
    static func parseCompact(_ text: String) -> Date? {
        parse(text, layout: "ddddddddTddddddZ")
    }

    /// Reads ``iso8601(_:)``'s layout; nil for anything else.
    static func parseISO8601(_ text: String) -> Date? {
        parse(text, layout: "dddd-dd-ddTdd:dd:ddZ")
    }

    /// Whether a signed time is too far, either way, from the server's clock.
    static func isSkewed(_ signed: Date, now: Date, maxSkew: TimeInterval) -> Bool {
        abs(now.timeIntervalSince(signed)) > maxSkew
    }

    private struct Fields {
        var year, month, day, hour, minute, second: Int
    }

    private static func fields(_ date: Date) -> Fields {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return Fields(
            year: year, month: month, day: day, hour: inDay / 3600, minute: inDay % 3600 / 60,
            second: inDay % 60)
    }

    /// Parses fixed-width digits; `layout` is the text with every digit written as `d`, which
    /// keeps both layouts readable in one place.
    private static func parse(_ text: String, layout: String) -> Date? {
        let pattern = Array(layout.utf8)
        let bytes = Array(text.utf8)
        guard bytes.count == pattern.count else { return nil }
        var digits: [Int] = []
        for (byte, expected) in zip(bytes, pattern) {
            if expected == UInt8(ascii: "d") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                digits.append(Int(byte - UInt8(ascii: "0")))
            } else if byte != expected {
                return nil
            }
        }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let year = number(0..<4)
        let month = number(4..<6)
        let day = number(6..<8)
        let hour = number(8..<10)
        let minute = number(10..<12)
        let second = number(12..<14)
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = self.days(year: year, month: month, day: day)
        // Rejects 31 April and friends: the day count must map back to the same date.
        guard civil(fromDays: days) == (year, month, day) else { return nil }
        let total = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(total))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    private static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays input: Int) -> (Int, Int, Int) {
        let z = input + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Hashing and comparison shared by the three signers.
enum SigningCrypto {
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }

    static func hmacSHA256(key: [UInt8], _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two signatures without stopping at the first difference, so response timing
    /// says nothing about how much of a forged signature was right.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// Header lookups and Python-compatible trimming shared by the signers.
enum SigningHeaders {
    /// Every value of the header `name`, compared case-insensitively, in order.
    static func values(_ name: String, in headers: [HTTPHeader]) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first value of the header `name`, compared case-insensitively.
    static func first(_ name: String, in headers: [HTTPHeader]) -> String? {
        values(name, in: headers).first
    }

    /// Replaces the value of a header already present (any case, keeping its position and
    /// spelling), or appends it; a Python dict update as the SDKs do it.
    static func set(_ name: String, _ value: String, in headers: inout [HTTPHeader]) {
        if let index = headers.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
            headers[index].value = value
        } else {
            headers.append(HTTPHeader(name, value))
        }
    }

    /// The caller's headers with repeats of a name (in any case) folded into the first, last
    /// value winning, as building the SDKs' header dicts does.
    static func merged(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        var out: [HTTPHeader] = []
        for header in headers { set(header.name, header.value, in: &out) }
        return out
    }

    /// Python's `str.strip()`: removes what `str.isspace()` calls whitespace at both ends,
    /// which includes the ASCII separators U+001C–U+001F that Foundation would keep.
    static func pythonStrip(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let start = scalars.firstIndex(where: { !isPythonSpace($0) }),
            let end = scalars.lastIndex(where: { !isPythonSpace($0) })
        else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start...end])
        return String(view)
    }

    private static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029,
            0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}

/// What is wrong with an `Authorization` header; the text never includes a signature or key.
enum AuthorizationProblem: Error, Equatable, CustomStringConvertible {
    case wrongAlgorithm(expected: String)
    case missingField(String)
    case badField(String)

    var description: String {
        switch self {
        case .wrongAlgorithm(let expected): "Authorization does not start with \(expected)"
        case .missingField(let name): "Authorization has no \(name)"
        case .badField(let name): "Authorization field \(name) is not well formed"
        }
    }
}

/// The `name=value` fields of an `Authorization: ALGORITHM a=1, b=2` header.
///
/// Huawei and Volcengine separate fields with `, `, Alibaba with `,`; both are read here, so a
/// server is lenient about the space, as the clouds' gateways are.
struct AuthorizationFields {
    private var fields: [String: String] = [:]

    static func parse(_ header: String, algorithm: String) throws(AuthorizationProblem) -> Self {
        let prefix = algorithm + " "
        guard header.hasPrefix(prefix) else { throw .wrongAlgorithm(expected: algorithm) }
        var parsed = Self()
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let field = part.trimmingCharacters(in: .whitespaces)
            guard let equals = field.firstIndex(of: "=") else {
                throw .badField(String(field.prefix(while: { $0.isLetter })))
            }
            parsed.fields[String(field[..<equals])] = String(field[field.index(after: equals)...])
        }
        return parsed
    }

    /// The non-empty value of `name`.
    func require(_ name: String) throws(AuthorizationProblem) -> String {
        guard let value = fields[name], !value.isEmpty else { throw .missingField(name) }
        return value
    }
}
