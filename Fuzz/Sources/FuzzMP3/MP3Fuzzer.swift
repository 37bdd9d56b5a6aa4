import FuzzSupport
import TTSArchiveCore

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum MP3Fuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: one file through the streaming MP3 check (`MP3Sniffer`: ID3v2 skip, frame
/// sync, `MP3FrameHeader`, Xing/Info/VBRI, the second frame), whole and chunked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { bytes in
        StreamingOracle.verdict(bytes, kind: .audio, audioFormat: .mp3)
    }
}
