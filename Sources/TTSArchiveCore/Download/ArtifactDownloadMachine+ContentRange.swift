extension ArtifactDownloadMachine {
    /// A `Content-Range` header of a `206` answer (RFC 9110 §14.4): `bytes first-last/complete`,
    /// where `complete` may be `*` (unknown).
    public struct ContentRange: Sendable, Hashable {
        /// Offset of the first byte sent.
        public var first: Int64
        /// Offset of the last byte sent (inclusive).
        public var last: Int64
        /// The object's full length, when the server states it.
        public var completeLength: Int64?

        /// Bytes the range spans.
        public var length: Int64 { last - first + 1 }

        /// Parses a header value; nil when it is not a satisfied byte range that makes sense
        /// (`first ≤ last`, and `last < complete` when the length is known).
        public init?(_ value: String) {
            let text = Self.trimmed(Substring(value))
            guard text.count > 6, text.prefix(6).lowercased() == "bytes " else { return nil }
            let spec = Self.trimmed(text.dropFirst(6))
            let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
            guard halves.count == 2 else { return nil }
            let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let first = Self.offset(bounds[0]), let last = Self.offset(bounds[1]),
                first <= last
            else { return nil }
            var complete: Int64?
            if halves[1] != "*" {
                guard let length = Self.offset(halves[1]), last < length else { return nil }
                complete = length
            }
            self.first = first
            self.last = last
            self.completeLength = complete
        }

        /// The text without leading and trailing spaces and tabs.
        private static func trimmed(_ text: Substring) -> Substring {
            let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
            guard let start = text.firstIndex(where: { !blank($0) }), let end = text.lastIndex(where: { !blank($0) })
            else { return "" }
            return text[start...end]
        }

        /// A non-negative decimal of at most 18 digits (no sign, no spaces), or nil.
        private static func offset(_ text: Substring) -> Int64? {
            guard (1...18).contains(text.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return nil
            }
            return Int64(text)
        }
    }
}
