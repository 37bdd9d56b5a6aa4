/// URL percent-encoding, decoding and ordering exactly as Python's `urllib.parse` and `str`
/// do them.
///
/// All three official SDKs are Python, and each builds its canonical request and its wire URL
/// from `quote`, `quote_plus`/`urlencode` and `sorted()`. Matching their signatures byte for
/// byte means matching those functions, not RFC 3986 in general: hex digits are upper case,
/// `~` is never encoded, and strings sort by Unicode code point (not by Swift's `<`, which
/// compares canonically equivalent forms).
public enum PercentEncoding {
    /// Python's always-safe set: `A–Z a–z 0–9 _ . - ~` (RFC 3986 "unreserved").
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `urllib.parse.quote(text, safe=safe)`: every UTF-8 byte that is neither unreserved nor
    /// listed in `safe` becomes `%XX` with upper-case hex.
    public static func quote(_ text: String, safe: String = "") -> String {
        let extra = Set(safe.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || extra.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `urllib.parse.quote_plus(text)`, the encoding `urlencode` gives keys and values: like
    /// ``quote(_:safe:)`` with nothing extra safe, except that a space becomes `+`.
    public static func quotePlus(_ text: String) -> String {
        quote(text, safe: " ").replacingSpaces()
    }

    /// `urllib.parse.unquote` (or `unquote_plus` when `plusAsSpace`): `%XX` becomes its byte,
    /// a `%` not followed by two hex digits stays as it is, and bytes that are not valid UTF-8
    /// decode to U+FFFD, as Python's `errors='replace'` does.
    public static func unquote(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
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
            out.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `urllib.parse.parse_qsl(raw, keep_blank_values=True)`: the pairs of a wire query in wire
    /// order, split on `&`, `+` read as a space, a name without `=` given an empty value.
    public static func parseQuery(_ raw: String) -> [QueryItem] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let equals = part.firstIndex(of: "=") {
                return QueryItem(
                    unquote(part[..<equals], plusAsSpace: true),
                    unquote(part[part.index(after: equals)...], plusAsSpace: true))
            }
            return QueryItem(unquote(part, plusAsSpace: true), "")
        }
    }

    /// Python's `a < b` for `str`: code point by code point, a prefix first.
    public static func codePointLess(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.unicodeScalars.makeIterator()
        var right = rhs.unicodeScalars.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let l?, let r?):
                if l.value != r.value { return l.value < r.value }
            }
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// Spaces to `+`; only ever applied to text whose literal `+` is already `%2B`.
    fileprivate func replacingSpaces() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: " ") ? UInt8(ascii: "+") : $0 }, as: UTF8.self)
    }
}
