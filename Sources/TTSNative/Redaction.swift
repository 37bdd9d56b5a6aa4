import Foundation

/// Keeps signed query strings out of messages.
public enum Redaction {
    /// `scheme://host[:port]/path`: no user info, query or fragment, scheme and host in lower
    /// case. The one form a URL takes in logs, errors and manifests (`source`), and the
    /// download engine's identity of a link: two links name the same object when these agree.
    public static func url(_ url: String) -> String {
        // Searched on the UTF-8 view: every delimiter is ASCII, and a Character-wise search
        // (grapheme breaking) made this a visible share of a small-file night's CPU, where it
        // runs several times per artifact.
        var text = Substring(url)
        if let cut = text.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) { text = text[..<cut] }
        guard let separator = schemeSeparator(text) else { return String(text) }
        let scheme = text[..<separator.lowerBound].lowercased()
        var rest = text[separator.upperBound...]
        let authorityEnd = rest.utf8.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        if let at = rest[..<authorityEnd].utf8.lastIndex(of: UInt8(ascii: "@")) { rest = rest[rest.utf8.index(after: at)...] }
        let hostEnd = rest.utf8.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        return scheme + "://" + rest[..<hostEnd].lowercased() + rest[hostEnd...]
    }

    /// Where the first `://` is. A loop over `:` rather than `firstRange(of:)`, whose generic
    /// search was 3.7% of a small-file night's CPU (profile of 2026-12-05).
    private static func schemeSeparator(_ text: Substring) -> Range<String.Index>? {
        let bytes = text.utf8
        var from = bytes.startIndex
        while let colon = bytes[from...].firstIndex(of: UInt8(ascii: ":")) {
            let slashes = bytes[bytes.index(after: colon)...].prefix(2)
            if slashes.count == 2 && slashes.allSatisfy({ $0 == UInt8(ascii: "/") }) {
                return colon..<slashes.endIndex
            }
            from = bytes.index(after: colon)
        }
        return nil
    }

    /// Replaces any occurrence of the full URL (or its query) in curl's message.
    static func scrub(_ text: String, url: String) -> String {
        var text = text
        if let q = url.firstIndex(of: "?") {
            let query = String(url[url.index(after: q)...])
            if !query.isEmpty { text = text.replacingOccurrences(of: query, with: "…") }
        }
        return text
    }
}
