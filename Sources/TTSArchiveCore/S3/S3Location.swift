/// Where an S3 archive or manifests folder lives: `s3://BUCKET/PREFIX`.
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    /// The bucket's name.
    public let bucket: String
    /// The key prefix without leading or trailing `/`; empty for the bucket's root.
    public let prefix: String

    /// Parses `s3://BUCKET[/PREFIX]`; nil when `text` is not an `s3://` URL.
    public init?(_ text: String) {
        guard text.hasPrefix("s3://") else { return nil }
        let rest = text.dropFirst(5)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bucket = parts.first.map(String.init) ?? ""
        // Bucket names per S3's rules (3–63 of a–z 0–9 . -); anything else is a typo.
        guard (3...63).contains(bucket.count),
            bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") })
        else { return nil }
        self.bucket = bucket
        let raw = parts.count > 1 ? String(parts[1]) : ""
        prefix = raw.split(separator: "/").joined(separator: "/")
        guard !prefix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else { return nil }
    }

    /// True when `text` names an S3 location (well formed or not), so callers can say why it is wrong.
    public static func looksLikeS3(_ text: String) -> Bool { text.hasPrefix("s3://") }

    /// The full key of `relative` (e.g. `sha256/ab/ab….gz`) under the prefix.
    public func key(_ relative: String) -> String { prefix.isEmpty ? relative : prefix + "/" + relative }

    /// The location of a sub-folder.
    public func appending(_ relative: String) -> S3Location {
        S3Location(bucket: bucket, prefix: key(relative))
    }

    init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    public var description: String { "s3://\(bucket)" + (prefix.isEmpty ? "" : "/\(prefix)") }
}
