// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for ttsarchive's parsers, kept out of the main package so `make test` never
// builds them. `make fuzz` builds them with `-sanitize=fuzzer,address` (libFuzzer supplies
// `main`, which is why every target is a library-style executable without `@main`) and runs
// each for FUZZ_SECONDS. They reach the parsers through the main package's public API only.
var strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]
if Context.environment["TTSARCHIVE_WERROR"] == "1" {
    strict.append(.treatAllWarnings(as: .error))
}

/// One fuzz target: an executable whose only entry point is `LLVMFuzzerTestOneInput`.
@MainActor
func fuzzTarget(_ name: String, _ extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport", .product(name: "TTSArchiveCore", package: "ttsarchive")] + extra,
        swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
    name: "ttsarchive-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ttsarchive", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // What every target shares: the input, the chunking plan, the streaming oracle.
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "TTSArchiveCore", package: "ttsarchive")],
            swiftSettings: strict),
        fuzzTarget("FuzzPageDecoder"),
        fuzzTarget("FuzzSRT"),
        fuzzTarget("FuzzWAV"),
        fuzzTarget("FuzzMP3"),
        fuzzTarget("FuzzGzip", [.product(name: "Crypto", package: "swift-crypto")]),
        fuzzTarget("FuzzManifest"),
    ],
    swiftLanguageModes: [.v6]
)
