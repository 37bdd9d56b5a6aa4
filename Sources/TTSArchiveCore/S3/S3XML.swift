/// Just enough XML for S3's answers: the text of elements by tag name, in document order,
/// with the five predefined entities and numeric references decoded.
///
/// S3 responses are flat, machine-written documents (`ListBucketResult`, `Error`,
/// `InitiateMultipartUploadResult`); a full parser would add a libxml2 dependency for nothing.
struct S3XML {
    private let text: String

    init(_ bytes: [UInt8]) { text = String(decoding: bytes, as: UTF8.self) }

    /// The decoded text of every `<tag>…</tag>` (no nesting inside it), in order.
    func all(_ tag: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        let open = "<\(tag)>", close = "</\(tag)>"
        while let start = rest.range(of: open) {
            guard let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) else { break }
            out.append(Self.decode(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// The first `<tag>`'s text.
    func first(_ tag: String) -> String? { all(tag).first }

    /// Each `<tag>…</tag>` block's inner XML, for repeated records such as `<Contents>`.
    func blocks(_ tag: String) -> [S3XML] {
        var out: [S3XML] = []
        var rest = text[...]
        let open = "<\(tag)>", close = "</\(tag)>"
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            out.append(S3XML(Array(rest[start.upperBound..<end.lowerBound].utf8)))
            rest = rest[end.upperBound...]
        }
        return out
    }

    static func decode(_ raw: Substring) -> String {
        guard raw.contains("&") else { return String(raw) }
        var out = ""
        var index = raw.startIndex
        while index < raw.endIndex {
            if raw[index] == "&", let semi = raw[index...].firstIndex(of: ";"), raw.distance(from: index, to: semi) <= 10 {
                let entity = raw[raw.index(after: index)..<semi]
                var replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if entity.hasPrefix("#x"), let value = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) {
                        replacement = String(Character(scalar))
                    } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(value) {
                        replacement = String(Character(scalar))
                    }
                }
                if let replacement {
                    out += replacement
                    index = raw.index(after: semi)
                    continue
                }
            }
            out.append(raw[index])
            index = raw.index(after: index)
        }
        return out
    }
}
