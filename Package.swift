// swift-tools-version:6.2
import PackageDescription
import Foundation

// `make build` and `make test` set TTSARCHIVE_WERROR=1 so warnings in this package's own targets
// are errors (dependencies' warnings are not ours to fix); a bare `swift build` keeps them warnings.
var strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]
if Context.environment["TTSARCHIVE_WERROR"] == "1" {
    strict.append(.treatAllWarnings(as: .error))
}

// The store deflates with ISA-L's igzip (libisal-dev, installed by `make setup`) and falls back
// to zlib alone when ISA-L is absent or TTSARCHIVE_DEFLATE=zlib (docs/compression.md).
let isal = Context.environment["TTSARCHIVE_DEFLATE"] != "zlib"
    && (Context.environment["TTSARCHIVE_DEFLATE"] == "isal"
        || FileManager.default.fileExists(atPath: "/usr/include/isa-l/igzip_lib.h"))
let nativeDependencies: [Target.Dependency] = ["CCurl", "CZlib", "CLinux"] + (isal ? ["CIsal"] : [])

let package = Package(
    name: "ttsarchive",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ttsarchive", targets: ["ttsarchive"]),
        .executable(name: "ttsarchive-sim", targets: ["ttsarchive-sim"]),
        // For the fuzz package in Fuzz/, which reaches the parsers through their public API.
        .library(name: "TTSArchiveCore", targets: ["TTSArchiveCore", "TTSNative"]),
        // For the fuzz package's argument-parsing target, which parses with the real commands.
        .library(name: "TTSArchiveCLI", targets: ["TTSArchiveCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through Hummingbird; declared because the simulator uses it directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Already in the graph through swift-nio; declared for the output layer's FileDescriptor writes.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // Already in the graph through swift-nio; declared for the I/O pool's ready queue (Deque).
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // HTTPFields for every request and response the engine carries.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The run's metrics file, in the Prometheus text format.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // S3's XML responses and the CompleteMultipartUpload request, as Codable types.
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        // The config file: full TOML 1.0 with line/column in its errors (toml++ underneath).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries: a [system] module map and a header of static inline shims each, no .c file.
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CIsal", pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]),
        // glibc calls Swift's Glibc module does not export: mallopt (<malloc.h>) and syncfs.
        .systemLibrary(name: "CLinux"),
        // The only Swift target that imports the C modules: typed wrappers for curl, zlib and ISA-L.
        .target(
            name: "TTSNative",
            dependencies: nativeDependencies + [.product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: strict + (isal ? [.define("TTSARCHIVE_ISAL")] : [])),
        // Everything the tool does, independent of the command line.
        .target(
            name: "TTSArchiveCore",
            dependencies: [
                "TTSNative",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "XMLCoder", package: "XMLCoder"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict),
        // The commands: thin ArgumentParser types over TTSArchiveCore, and the one mapping from
        // errors to exit codes. A library so that Fuzz/ can parse command lines with them.
        .target(
            name: "TTSArchiveCLI",
            dependencies: [
                "TTSArchiveCore", "TTSNative",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The executable is only an entry point into TTSArchiveCLI.
        .executableTarget(
            name: "ttsarchive",
            dependencies: ["TTSArchiveCLI"],
            swiftSettings: strict),
        // The MetaStudio (and inventory APIs) simulator: its own target so the tool stays lean.
        .target(
            name: "TTSSimulator",
            dependencies: [
                "TTSArchiveCore", "TTSNative",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "ttsarchive-sim",
            dependencies: [
                "TTSSimulator", "TTSArchiveCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // What both test targets use: a real SeaweedFS on loopback for the S3 backend.
        .target(
            name: "TTSTestSupport",
            dependencies: ["TTSArchiveCore", "TTSNative", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "TTSArchiveCoreTests",
            dependencies: [
                "TTSArchiveCore", "TTSNative", "TTSTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TTSArchiveCore", "TTSNative", "TTSSimulator", "ttsarchive", "ttsarchive-sim", "TTSTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
