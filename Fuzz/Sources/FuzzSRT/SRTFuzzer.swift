import FuzzSupport
import TTSArchiveCore

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum SRTFuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: one subtitle file through the streaming SRT check (`SRTParser`, reached
/// through `ArtifactVerifier` for `.subtitles`), whole and chunked.
///
/// Run twice: with the default line limit, and with a tiny one so the "line too long" path,
/// which real files reach only at 64 KiB, is exercised by short inputs too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { bytes in
        let verdict = StreamingOracle.verdict(bytes, kind: .subtitles)
        if verdict.isVerified {
            fuzzRequire(verdict.lastCueEnd.map { $0 >= 0 } ?? false, "verified SRT without a last cue end")
        }
        StreamingOracle.verdict(bytes, kind: .subtitles, options: .init(maxSRTLineLength: 24))
    }
}
