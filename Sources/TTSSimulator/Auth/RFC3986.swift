import Foundation

/// Percent-encoding as the vendors' gateways document it (RFC 3986: only `A–Z a–z 0–9 - . _ ~`
/// stay literal, every other UTF-8 byte becomes `%XX` in upper case), and the decoding of what
/// arrived on the wire. Written here, apart from the client's encoder, on purpose.
enum RFC3986 {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Encodes every byte that is not unreserved; `keepSlash` leaves `/` literal (paths).
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`, as form-encoded queries
    /// use it); a malformed escape is kept as it is, as lenient servers do.
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The decoded `name=value` pairs of a raw query, in wire order; a bare `name` has value "".
    static func queryPairs(_ raw: String) -> [(name: String, value: String)] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return (decode(pair, plusIsSpace: true), "") }
            return (
                decode(pair[..<equals], plusIsSpace: true),
                decode(pair[pair.index(after: equals)...], plusIsSpace: true)
            )
        }
    }

    /// The query's pairs encoded and sorted by encoded name, then encoded value, joined as
    /// `n=v&…`: the canonical query of ACS3 and SigV4.
    static func sortedEncodedQuery(_ raw: String) -> String {
        let encoded: [(name: String, value: String)] = queryPairs(raw).map { (encode($0.name), encode($0.value)) }
        let sorted = encoded.sorted { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name != b.name ? a.name < b.name : a.value < b.value
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// A decoded path re-encoded for a canonical request, `/` kept.
    static func canonicalPath(rawPath: String) -> String {
        let path = rawPath.isEmpty ? "/" : rawPath
        return encode(decode(Substring(path), plusIsSpace: false), keepSlash: true)
    }

    /// Code-point order, as the SDKs' Python sorts decoded names and values.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.map(\.value).lexicographicallyPrecedes(b.unicodeScalars.map(\.value))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
