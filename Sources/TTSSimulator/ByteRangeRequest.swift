/// What a `Range` header asks of an object of a known size (RFC 9110 §14).
///
/// Only single byte ranges are honoured; a syntactically invalid header or a multi-range
/// request is ignored (the whole object is sent), as RFC 9110 allows.
enum ByteRangeRequest: Equatable, Sendable {
    case whole
    case partial(Range<Int>)
    case unsatisfiable

    static func parse(_ header: String?, size: Int) -> ByteRangeRequest {
        guard let header else { return .whole }
        let trimmed = header.trimmingSpaces
        guard trimmed.lowercased().hasPrefix("bytes="), !trimmed.contains(",") else { return .whole }
        let spec = trimmed.dropFirst("bytes=".count)
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = String(spec[..<dash]).trimmingSpaces, last = String(spec[spec.index(after: dash)...]).trimmingSpaces
        if first.isEmpty {
            // Suffix range: the last N bytes.
            guard let n = Int(last), n >= 0 else { return .whole }
            guard n > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - n)..<size)
        }
        guard let start = Int(first), start >= 0 else { return .whole }
        var end = size - 1
        if !last.isEmpty {
            guard let given = Int(last), given >= start else { return .whole }
            end = min(given, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(start..<(end + 1))
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
