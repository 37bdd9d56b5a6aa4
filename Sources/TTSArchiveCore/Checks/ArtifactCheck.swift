/// The name of one verification an artifact passed, as the manifest's `checks[]` lists it.
///
/// The raw values are part of the manifest format (`ttsarchive.manifest/v1`): add cases, never
/// rename one.
public enum ArtifactCheck: String, Codable, Sendable, CaseIterable {
    /// The byte count equals the response's `Content-Length` (or `Content-Range` total).
    case contentLength = "content-length"
    /// The `ETag` is a plain MD5 of the content, and the content's MD5 equals it.
    case etagMD5 = "etag-md5"
    /// A RIFF/WAVE header with a sane `fmt ` chunk.
    case wavHeader = "wav-header"
    /// Every chunk, the `data` chunk above all, lies within the file, and the RIFF size agrees.
    case wavDataSize = "wav-data-size"
    /// ID3v2 tags (if any) skipped by their size, then a valid MPEG Layer III frame header.
    case mp3Sync = "mp3-sync"
    /// Raw PCM holding a whole number of 16-bit samples.
    case pcmWholeSamples = "pcm-whole-samples"
    /// The file is well-formed JSON (RFC 8259, UTF-8).
    case jsonParses = "json-parses"
    /// SRT cues parse, each starts no later than it ends, and starts never go backwards.
    case srtCues = "srt-cues"
    /// The last subtitle cue ends within the audio's duration plus a tolerance.
    case srtFitsAudio = "srt-fits-audio"
}

/// What one pure check concluded.
public enum ArtifactCheckOutcome: Sendable, Hashable {
    /// The check ran and passed.
    case passed(ArtifactCheck)
    /// The check ran and found a fault.
    case failed(ArtifactCheckFailure)
    /// The check could not run (its input is unknown, e.g. an ETag that is not an MD5); it
    /// neither passes nor fails the artifact.
    case notApplicable
}
