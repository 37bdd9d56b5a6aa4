// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for ttsarchive's parsers and its command line, kept out of the main package
// so `make test` never builds them. `make fuzz` builds them with `-sanitize=fuzzer,address` and runs each for
// FUZZ_SECONDS; each target's `@main` starts libFuzzer's driver (see CLibFuzzer/libfuzzer.h for
// why not libFuzzer's own main). They reach the parsers through the main package's public API.
var strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]
if Context.environment["TTSARCHIVE_WERROR"] == "1" {
    strict.append(.treatAllWarnings(as: .error))
}

/// One fuzz target: an executable whose `@main` runs libFuzzer on its `LLVMFuzzerTestOneInput`.
@MainActor
func fuzzTarget(_ name: String, _ extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport", .product(name: "TTSArchiveCore", package: "ttsarchive")] + extra,
        swiftSettings: strict)
}

let package = Package(
    name: "ttsarchive-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ttsarchive", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The argument-parsing target calls ArgumentParser's `parseAsRoot` on the real commands.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libFuzzer's driver entry, declared for Swift; the fuzzer runtime defines it.
        .systemLibrary(name: "CLibFuzzer"),
        // What every target shares: the driver, the input, the chunking plan, the streaming oracle.
        .target(
            name: "FuzzSupport",
            dependencies: ["CLibFuzzer", .product(name: "TTSArchiveCore", package: "ttsarchive")],
            swiftSettings: strict),
        fuzzTarget("FuzzPageDecoder"),
        fuzzTarget("FuzzSRT"),
        fuzzTarget("FuzzWAV"),
        fuzzTarget("FuzzMP3"),
        fuzzTarget("FuzzGzip", [.product(name: "Crypto", package: "swift-crypto")]),
        fuzzTarget("FuzzManifest"),
        fuzzTarget("FuzzConfig"),
        fuzzTarget("FuzzArguments", [
            .product(name: "TTSArchiveCLI", package: "ttsarchive"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
