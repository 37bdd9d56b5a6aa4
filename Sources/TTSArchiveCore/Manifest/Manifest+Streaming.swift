import Foundation

extension Manifest {
    /// The encoder of every manifest byte: sorted keys, two-space indents, no escaped slashes.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    /// Writes the same bytes as ``encoded()`` would for this manifest with `jobs` as its jobs
    /// (the value's own `jobs` are ignored), in pieces to `sink`, one job at a time.
    ///
    /// Why this is byte-identical: the manifest is encoded once around a single placeholder job,
    /// and cut where that job's text is. The pretty printer indents a value by its depth only, so
    /// each job encoded alone and indented by the four spaces of `jobs[]`'s elements is the text
    /// it has inside the whole (JSON strings never hold a raw newline, so indenting by lines is
    /// safe; blank lines, as in an empty array's `[\n\n]`, stay blank). Elements are joined by
    /// ",\n", and with no jobs the two cuts meet as the empty array's `[\n\n  ]`.
    func stream(jobs: some ManifestJobSource, to sink: (ArraySlice<UInt8>) throws -> Void) throws {
        let encoder = Self.makeEncoder()
        var frame = self
        frame.jobs = [Self.placeholderJob]
        let whole = Array(try encoder.encode(frame))
        let placeholder = Self.element(Array(try encoder.encode(Self.placeholderJob)))
        guard let cut = whole.firstRange(of: placeholder) else {
            throw TTSArchiveError(.unusableState, "internal error: the manifest encoder's layout is not the expected one", fix: "report this bug with the Swift version")
        }
        try sink(whole[..<cut.lowerBound])
        var first = true
        try jobs.forEachJobElement { text in
            if !first { try sink(Self.separator[...]) }
            first = false
            try sink(text[...])
        }
        try sink(whole[cut.upperBound...])
        try sink([0x0a][...])
    }

    private static let separator: [UInt8] = Array(",\n".utf8)

    /// A job that no real listing produces; only its position in the encoded frame matters.
    private static let placeholderJob: ManifestJob = {
        var job = ManifestJob(jobID: "\u{1}ttsarchive-manifest-jobs-placeholder\u{1}")
        job.artifacts = []
        return job
    }()

    /// A value's standalone text, indented as an element of the top-level `jobs` array.
    static func element(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 8)
        var atLineStart = true
        for byte in text {
            if atLineStart && byte != 0x0a { out.append(contentsOf: [0x20, 0x20, 0x20, 0x20]) }
            out.append(byte)
            atLineStart = byte == 0x0a
        }
        return out
    }
}
