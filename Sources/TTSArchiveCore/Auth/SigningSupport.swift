import Crypto
import Foundation

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
