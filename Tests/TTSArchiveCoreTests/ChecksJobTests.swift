import Testing

@testable import TTSArchiveCore

@Suite("Checks across a job: subtitles against audio, length and ETag")
struct ChecksJobTests {
    @Test(
        "the last cue must end within the audio plus the tolerance",
        arguments: [
            (2.0, 2.0, false, true),
            (2.5, 2.0, false, true),
            (2.501, 2.0, false, false),
            (3.0, 2.0, false, false),
            (10.9, 10.0, true, true),
            (11.01, 10.0, true, false),
            (2.4, 2.0, true, true),
        ])
    func fit(lastCueEnd: Double, duration: Double, estimate: Bool, fits: Bool) {
        let outcome = SubtitleFit.check(lastCueEnd: lastCueEnd, audioDuration: duration, durationIsEstimate: estimate)
        if fits {
            #expect(outcome == .passed(.srtFitsAudio))
        } else {
            let slack = estimate ? max(0.5, duration * 0.1) : 0.5
            #expect(
                outcome == .failed(.srtExceedsAudio(lastCueEnd: lastCueEnd, audioDuration: duration, tolerance: slack)))
        }
    }

    @Test("unknown numbers make the check not applicable")
    func unknown() {
        #expect(SubtitleFit.check(lastCueEnd: nil, audioDuration: 2) == .notApplicable)
        #expect(SubtitleFit.check(lastCueEnd: 2, audioDuration: nil) == .notApplicable)
        #expect(SubtitleFit.check(lastCueEnd: .nan, audioDuration: 2) == .notApplicable)
    }

    @Test("subtitles longer than real audio, checked from the two verdicts")
    func fromVerdicts() {
        let audio = verifyWAV(ChecksWAVFixture(dataBytes: 64_000).bytes)  // 2 s
        #expect(audio.audioDuration == 2.0)
        let fitting = verifySRT("1\n00:00:00,000 --> 00:00:02,400\nhi\n")
        let tooLong = verifySRT("1\n00:00:00,000 --> 00:00:01,000\nhi\n\n2\n00:00:01,000 --> 00:00:03,000\nbye\n")
        #expect(SubtitleFit.check(subtitles: fitting, audio: audio) == .passed(.srtFitsAudio))
        #expect(
            SubtitleFit.check(subtitles: tooLong, audio: audio)
                == .failed(.srtExceedsAudio(lastCueEnd: 3.0, audioDuration: 2.0, tolerance: 0.5)))
        let brokenAudio = verifyWAV(Array(ChecksWAVFixture().bytes.prefix(100)))
        #expect(SubtitleFit.check(subtitles: fitting, audio: brokenAudio) == .notApplicable)
        var subtitles = tooLong
        subtitles.apply(SubtitleFit.check(subtitles: tooLong, audio: audio))
        #expect(!subtitles.isVerified)
    }

    @Test("byte count against Content-Length")
    func byteCount() {
        #expect(TransportChecks.byteCount(received: 10, contentLength: 10) == .passed(.contentLength))
        #expect(
            TransportChecks.byteCount(received: 9, contentLength: 10)
                == .failed(.contentLengthMismatch(received: 9, expected: 10)))
        #expect(TransportChecks.byteCount(received: 9, contentLength: nil) == .notApplicable)
    }

    /// MD5("abc") from RFC 1321's test suite.
    static let md5OfABC: [UInt8] = [
        0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0, 0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1, 0x7f, 0x72,
    ]

    @Test(
        "which ETags are MD5s",
        arguments: [
            ("\"900150983cd24fb0d6963f7d28e17f72\"", true),
            ("900150983CD24FB0D6963F7D28E17F72", true),
            (" \"900150983cd24fb0d6963f7d28e17f72\" ", true),
            ("W/\"900150983cd24fb0d6963f7d28e17f72\"", false),
            ("\"900150983cd24fb0d6963f7d28e17f72-3\"", false),
            ("\"900150983cd24fb0d6963f7d28e17f7\"", false),
            ("\"900150983cd24fb0d6963f7d28e17fzz\"", false),
            ("\"\"", false),
        ])
    func etagForms(etag: String, isMD5: Bool) {
        #expect((TransportChecks.md5(fromETag: etag) == Self.md5OfABC) == isMD5)
    }

    @Test("the content MD5 must equal the ETag's")
    func etagMatch() {
        let etag = "\"900150983cd24fb0d6963f7d28e17f72\""
        #expect(TransportChecks.etag(etag, matchesMD5: Self.md5OfABC) == .passed(.etagMD5))
        var other = Self.md5OfABC
        other[15] ^= 1
        #expect(
            TransportChecks.etag(etag, matchesMD5: other)
                == .failed(.etagMismatch(etag: etag, computedMD5: "900150983cd24fb0d6963f7d28e17f73")))
        #expect(TransportChecks.etag(etag, matchesMD5Hex: "900150983cd24fb0d6963f7d28e17f72") == .passed(.etagMD5))
        #expect(TransportChecks.etag("\"abc-2\"", matchesMD5: other) == .notApplicable)
        #expect(TransportChecks.etag(nil, matchesMD5: other) == .notApplicable)
    }
}
