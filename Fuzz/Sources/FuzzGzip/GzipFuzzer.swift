import Crypto
import FuzzSupport
import TTSArchiveCore
import TTSNative

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum GzipFuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: one `.gz` file through the gzip reader of `verify` and `cat`: TTSNative's
/// `GzipInflater` directly (whole, and cut into chunks with a tiny output buffer), then
/// `ObjectStore.readObject` over short reads.
///
/// The properties: chunking never changes what is inflated or whether it fails, and
/// `readObject` accepts exactly the members that inflate cleanly, returning their bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { gz in
        let whole = inflate(gz, chunked: false)
        let chunked = inflate(gz, chunked: true)
        fuzzRequire(whole == chunked, "inflating depends on chunking: whole \(whole), chunked \(chunked)")

        if case .failure(let why) = whole, why == .overLimit { return }
        // readObject checks the content against the object's name: name it after what the
        // member inflates to, or (for a bad member) after anything.
        let original = (try? whole.get()) ?? []
        let digest = ContentDigest(hex: SHA256.hash(data: original).map { hexByte($0) }.joined())!
        var seen: [UInt8] = []
        let read = Result { try MemoryObjectStore(gz: gz).readObject(digest) { seen.append(contentsOf: $0) } }
        switch (whole, read) {
        case (.success(let bytes), .success(let size)):
            fuzzRequire(size == Int64(bytes.count) && seen == bytes, "readObject returned other bytes than the inflater")
        case (.failure, .failure(let error)):
            fuzzRequire((error as? StoreError)?.code == .damaged, "a bad member is reported as \(error), not as damage")
        case (.success, .failure(let error)):
            fuzzRequire(false, "readObject refused a clean member: \(error)")
        case (.failure(let why), .success):
            fuzzRequire(false, "readObject accepted a member the inflater refused (\(why))")
        }
    }
}

/// Why inflating failed, comparable so two runs can be checked to agree.
struct InflateFailure: Error, Equatable {
    var description: String

    /// The member inflates to more than the fuzz run allows, which says nothing about it.
    static let overLimit = InflateFailure(description: "over the fuzz limit")
}

/// The inflated bytes of `gz`, fed in one piece or cut by a ``ChunkPlan`` (with an output
/// buffer of a few bytes, so the inflate loop turns many times per input chunk).
func inflate(_ gz: [UInt8], chunked: Bool) -> Result<[UInt8], InflateFailure> {
    // Enough for any real object seen in seeds; stops a gzip bomb from eating the RSS limit.
    let limit = 32 << 20
    var plan = ChunkPlan(for: gz)
    var out: [UInt8] = []
    do {
        let inflater = try GzipInflater(outputChunk: chunked ? plan.nextLength() : 64 * 1024)
        try gz.withUnsafeBytes { raw in
            for range in chunked ? plan.ranges(covering: raw.count) : [0..<raw.count] {
                try inflater.update(UnsafeRawBufferPointer(rebasing: raw[range])) { chunk in
                    guard out.count + chunk.count <= limit else { throw InflateFailure.overLimit }
                    out.append(contentsOf: chunk)
                }
            }
        }
        try inflater.finish()
        return .success(out)
    } catch let failure as InflateFailure {
        return .failure(failure)
    } catch let error as ZlibError {
        return .failure(InflateFailure(description: "\(error.reason)"))
    } catch {
        return .failure(InflateFailure(description: "\(error)"))
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
