import FuzzSupport
import TTSArchiveCore

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum PageDecoderFuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: one ShowTtsJob response body through `TtsJobPageDecoder`, the code that
/// reads every listing page the cloud (or something pretending to be it) sends.
///
/// Beyond not crashing, a decoded page must account for every record it was given: each one is
/// either a job or a named bad record, never silently dropped.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { bytes in
        guard let page = try? TtsJobPageDecoder.decode(bytes, offset: 100) else { return }
        for job in page.jobs {
            fuzzRequire(!job.jobID.isEmpty, "a decoded job has an empty job_id")
        }
        var positions = Set<Int>()
        for record in page.badRecords {
            fuzzRequire(record.pageOffset == 100, "bad record names offset \(record.pageOffset), not the page's")
            fuzzRequire(record.index >= 0, "bad record at negative index \(record.index)")
            positions.insert(record.index)
        }
        fuzzRequire(positions.count == page.badRecords.count, "two bad records name the same index")
        if let last = positions.max() {
            fuzzRequire(last < page.jobs.count + page.badRecords.count, "bad record index \(last) beyond the page")
        }
    }
}
