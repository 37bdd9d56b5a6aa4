import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("Artifact kinds, formats and the verifier's routing")
struct ChecksVerifierTests {
    @Test("each kind comes from its TtsJobFile field and back")
    func jobFileFields() {
        #expect(
            ArtifactKind.allCases.map(\.jobFileField)
                == ["audio_file_url", "audio_info_file_url", "audio_srt_file_url", "audio_action_file_url"])
        for kind in ArtifactKind.allCases { #expect(ArtifactKind(jobFileField: kind.jobFileField) == kind) }
        #expect(ArtifactKind(jobFileField: "audio_url") == nil)
        #expect(ArtifactKind.allCases.sorted() == [.audio, .timestamps, .subtitles, .actions])
        #expect(ArtifactKind.subtitles > ArtifactKind.timestamps)
    }

    @Test(
        "media types and extensions",
        arguments: [
            (ArtifactKind.audio, AudioFormat.wav, "audio/wav", "wav"),
            (.audio, .mp3, "audio/mpeg", "mp3"),
            (.audio, .pcm, "audio/L16", "pcm"),
            (.timestamps, .mp3, "application/json", "json"),
            (.actions, .wav, "application/json", "json"),
            (.subtitles, .pcm, "application/x-subrip", "srt"),
        ])
    func mediaTypes(kind: ArtifactKind, format: AudioFormat, mediaType: String, fileExtension: String) {
        #expect(kind.mediaType(audioFormat: format) == mediaType)
        #expect(kind.fileExtension(audioFormat: format) == fileExtension)
    }

    @Test("audio_format decodes in any letter case and encodes upper case")
    func audioFormatCoding() throws {
        let decoded = try JSONDecoder().decode([AudioFormat].self, from: Data(#"["wav","Mp3"," PCM ","WAV"]"#.utf8))
        #expect(decoded == [.wav, .mp3, .pcm, .wav])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([AudioFormat].self, from: Data(#"["ogg"]"#.utf8))
        }
        let encoded = try JSONEncoder().encode([AudioFormat.mp3])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["MP3"]"#)
        #expect(AudioFormat(caseInsensitive: "pcm") == .pcm)
        #expect(AudioFormat(caseInsensitive: "flac") == nil)
        #expect(AudioFormat.default == .wav)
    }

    @Test("PCM must hold whole 16-bit samples; its duration follows the assumed rate")
    func pcm() {
        func verify(_ count: Int, options: ArtifactVerifier.Options = .init()) -> ArtifactVerdict {
            var verifier = ArtifactVerifier(kind: .audio, audioFormat: .pcm, options: options)
            verifier.consume([UInt8](repeating: 7, count: count))
            return verifier.finish(totalBytes: Int64(count))
        }
        #expect(verify(32_000).checkNames == ["pcm-whole-samples"])
        #expect(verify(32_000).audioDuration == 1.0)
        #expect(verify(48_000, options: .init(pcmSampleRate: 24_000)).audioDuration == 1.0)
        #expect(verify(64_000, options: .init(pcmChannels: 2)).audioDuration == 1.0)
        #expect(verify(32_001).failure == .pcmOddLength(bytes: 32_001))
        #expect(verify(1).failure == .pcmOddLength(bytes: 1))
        #expect(verify(0).failure == .empty)
    }

    @Test("each kind is checked by its own rules")
    func routing() {
        let json = Array(#"{"a":1}"#.utf8)
        func verdict(_ kind: ArtifactKind, _ format: AudioFormat, _ bytes: [UInt8]) -> ArtifactVerdict {
            var verifier = ArtifactVerifier(kind: kind, audioFormat: format)
            verifier.consume(bytes)
            return verifier.finish(totalBytes: Int64(bytes.count))
        }
        #expect(verdict(.timestamps, .wav, json).checks == [.jsonParses])
        #expect(verdict(.actions, .wav, json).checks == [.jsonParses])
        #expect(verdict(.subtitles, .wav, json).failure == .srtMalformed(line: 1, problem: .badIndex))
        #expect(verdict(.audio, .wav, json).failure == .wavNotRIFF)
        #expect(verdict(.audio, .mp3, json).failure == .mp3NoFrameSync(offset: 0))
        #expect(verdict(.audio, .pcm, json).failure == .pcmOddLength(bytes: 7))
    }

    @Test("empty chunks change nothing; consumed bytes are counted")
    func emptyChunks() {
        var verifier = ArtifactVerifier(kind: .timestamps)
        verifier.consume([])
        verifier.consume(Array("[1]".utf8))
        verifier.consume([])
        #expect(verifier.consumedBytes == 3)
        #expect(verifier.finish(totalBytes: 3).isVerified)
    }

    @Test("a verdict keeps the first failure and lists each check once")
    func verdictRecording() {
        var verdict = ArtifactVerdict()
        #expect(!verdict.isVerified)
        verdict.record(.wavHeader)
        verdict.record(.wavHeader)
        #expect(verdict.checks == [.wavHeader])
        #expect(verdict.isVerified)
        verdict.apply(.failed(.wavMissingDataChunk))
        verdict.apply(.failed(.empty))
        verdict.apply(.notApplicable)
        #expect(verdict.failure == .wavMissingDataChunk)
        #expect(!verdict.isVerified)
    }

    @Test("failure descriptions name the numbers and never are empty")
    func descriptions() {
        let failures: [ArtifactCheckFailure] = [
            .wavDataChunkExceedsFile(declared: 32_000, available: 10_000), .srtCueEndsBeforeStart(cue: 2, line: 6),
            .jsonInvalid(offset: 3, problem: .unexpectedByte(UInt8(ascii: "]"))), .mp3NoFrameSync(offset: 417),
        ]
        #expect(failures[0].description.contains("32000") && failures[0].description.contains("10000"))
        #expect(failures[1].description.contains("cue 2"))
        #expect(failures[2].description.contains("']'"))
        #expect(failures[3].description.contains("417"))
    }
}
