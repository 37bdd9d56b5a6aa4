import FuzzSupport
import TTSArchiveCore

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum WAVFuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: one file through the streaming WAV check (`WAVScanner` walking RIFF
/// chunks, `WAVHeader` parsing `fmt `), whole and chunked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { bytes in
        let verdict = StreamingOracle.verdict(bytes, kind: .audio, audioFormat: .wav)
        if verdict.isVerified {
            fuzzRequire(verdict.audioDuration != nil, "verified WAV without a duration")
        }
    }
}
