import Crypto
import Foundation

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

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    // Howard Hinnant's civil_from_days (proleptic Gregorian calendar).
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
