import FuzzSupport
import TTSArchiveCore

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum ManifestFuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: one manifest file through `ManifestInspection.inspect`, what `verify` runs
/// on every manifest: `RawJSON` parsing, the v1 schema walk, the hash-chain link, the object
/// claims, and (when the schema holds) the `Manifest` decoder and its consistency checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { bytes in
        var expectations = ObjectExpectations()
        let inspection = ManifestInspection.inspect(
            name: "fuzz.json", path: "manifests/fuzz.json", bytes: bytes, into: &expectations)
        fuzzRequire(ContentDigest(hex: inspection.sha256) != nil, "the file digest \(inspection.sha256) is not SHA-256 hex")
        if inspection.previous != nil {
            fuzzRequire(inspection.linkReadable, "a link was read from a manifest marked unreadable")
        }
    }
}
