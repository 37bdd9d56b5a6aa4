import TTSArchiveCore

/// Runs the product's streaming content check twice on the same bytes, once in one piece and
/// once cut by a ``ChunkPlan``, and requires the two verdicts to be identical.
///
/// Crashing is not the only bug a streaming parser can have: a verdict that depends on where
/// the network happened to split the file would make the same artifact pass one night and fail
/// the next. The equality catches that without needing to know the right verdict.
public enum StreamingOracle {
    /// The verdict on `bytes` for an artifact of `kind`, after checking it does not depend on
    /// chunking, plus the checks every verdict must satisfy.
    @discardableResult
    public static func verdict(
        _ bytes: [UInt8], kind: ArtifactKind, audioFormat: AudioFormat = .default,
        options: ArtifactVerifier.Options = .init()
    ) -> ArtifactVerdict {
        var whole = ArtifactVerifier(kind: kind, audioFormat: audioFormat, options: options)
        whole.consume(bytes)
        let wholeVerdict = whole.finish(totalBytes: Int64(bytes.count))

        var plan = ChunkPlan(for: bytes)
        var chunked = ArtifactVerifier(kind: kind, audioFormat: audioFormat, options: options)
        bytes.withUnsafeBytes { raw in
            for range in plan.ranges(covering: raw.count) {
                chunked.consume(UnsafeRawBufferPointer(rebasing: raw[range]))
            }
        }
        let chunkedVerdict = chunked.finish(totalBytes: Int64(bytes.count))

        fuzzRequire(
            wholeVerdict == chunkedVerdict,
            "verdict depends on chunking: whole \(wholeVerdict), chunked \(chunkedVerdict)")
        if let duration = wholeVerdict.audioDuration {
            fuzzRequire(duration.isFinite && duration >= 0, "audio duration \(duration) is not a length of time")
        }
        return wholeVerdict
    }
}
