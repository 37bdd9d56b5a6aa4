/// Checks a job's subtitles against its audio: the last cue must end within the audio.
///
/// A pure function of two verdicts, run once both artifacts of a job are verified.
public enum SubtitleFit {
    /// The slack, in seconds, between the last cue's end and the audio's end: TTS engines round
    /// cue times to the frame or the word, and MP3 encoders add a few frames of delay.
    public static let defaultTolerance = 0.5

    /// When the audio duration is only estimated (CBR arithmetic on an MP3 without a VBR
    /// header), the slack grows to this fraction of the duration so a VBR file whose first
    /// frame has an unusual bitrate is not refused for a wrong estimate.
    public static let estimateSlackFraction = 0.1

    /// Whether subtitles ending at `lastCueEnd` fit audio lasting `audioDuration` seconds.
    ///
    /// Not applicable when either number is unknown: a check that cannot run neither passes
    /// nor fails.
    public static func check(
        lastCueEnd: Double?, audioDuration: Double?, durationIsEstimate: Bool = false,
        tolerance: Double = defaultTolerance
    ) -> ArtifactCheckOutcome {
        guard let lastCueEnd, let audioDuration, lastCueEnd.isFinite, audioDuration.isFinite else {
            return .notApplicable
        }
        let slack = durationIsEstimate ? max(tolerance, audioDuration * estimateSlackFraction) : tolerance
        guard lastCueEnd <= audioDuration + slack else {
            return .failed(.srtExceedsAudio(lastCueEnd: lastCueEnd, audioDuration: audioDuration, tolerance: slack))
        }
        return .passed(.srtFitsAudio)
    }

    /// The same check over the verdicts of a job's subtitles and audio; not applicable unless
    /// both verified.
    public static func check(
        subtitles: ArtifactVerdict, audio: ArtifactVerdict, tolerance: Double = defaultTolerance
    ) -> ArtifactCheckOutcome {
        guard subtitles.isVerified, audio.isVerified else { return .notApplicable }
        return check(
            lastCueEnd: subtitles.lastCueEnd, audioDuration: audio.audioDuration,
            durationIsEstimate: audio.audioDurationIsEstimate, tolerance: tolerance)
    }
}
