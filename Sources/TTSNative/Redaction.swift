import Foundation

/// Keeps signed query strings out of messages.
public enum Redaction {
    /// `scheme://host[:port]/path`: no user info, query or fragment, scheme and host in lower
    /// case. The one form a URL takes in logs, errors and manifests (`source`), and the
    /// download engine's identity of a link: two links name the same object when these agree.
    public static func url(_ url: String) -> String {
        var text = Substring(url)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        guard let schemeEnd = text.range(of: "://") else { return String(text) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        var rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        return scheme + "://" + rest[..<hostEnd].lowercased() + rest[hostEnd...]
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
