import ArgumentParser
import Foundation
import Logging
import TTSArchiveCore
import TTSNative

/// Where the archive and the manifests live: local directories or `s3://BUCKET/PREFIX`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The content-addressed archive: a directory, or s3://BUCKET/PREFIX.")
    var archive: String = "archive"

    @Option(name: .long, help: "The run manifests: a directory, or s3://BUCKET/PREFIX.")
    var manifests: String = "manifests"

    @Option(name: .customLong("s3-endpoint"), help: ArgumentHelp("The S3-compatible object store for s3:// locations.", valueName: "url"))
    var s3Endpoint: String?

    @Option(name: .customLong("s3-region"), help: "The region S3 requests are signed for.")
    var s3Region = "us-east-1"

    @Option(name: .customLong("s3-part-size"), help: "Objects larger than this are uploaded in parts of this size (at least 5M).")
    var s3PartSize = ByteSize("16M")

    @Option(name: .customLong("state"), help: ArgumentHelp("Local folder for run state (default: ARCHIVE/state; for s3:// archives ~/.local/state/ttsarchive/…).", valueName: "dir"))
    var stateDirectory: String?

    func validate() throws {
        guard s3PartSize.bytes >= 5 << 20, s3PartSize.bytes <= 5 << 30 else {
            throw ValidationError("--s3-part-size '\(s3PartSize)' must be a size from 5M to 5G (S3's part limits)")
        }
        for (flag, value) in [("--archive", archive), ("--manifests", manifests)] where value.hasPrefix("s3://") && s3Endpoint == nil {
            throw ValidationError("\(flag) \(value) needs --s3-endpoint URL")
        }
    }

    /// The deadline of any one S3 request made by an engine of our own: each request moves at
    /// most one part, or one ranged chunk of a GET (``S3ObjectStore/largestTransfer(partSize:)``),
    /// so a drip or an endless body from the store ends like a stalled download does.
    var s3TransferDeadline: TimeInterval {
        APIOptions.derivedDeadline(largest: S3ObjectStore.largestTransfer(partSize: Int(s3PartSize.bytes)))
    }

    /// Whether the archive or the manifests live in an S3 bucket.
    var usesS3: Bool { archive.hasPrefix("s3://") || manifests.hasPrefix("s3://") }

    /// What `status` and `report` show, read like an audit reads (read-only, manifests fresh).
    func statusReport(runs: Int) async throws -> StatusReport {
        try await withAuditedArchive { try await $0.statusReport(archive: archive, manifests: manifests, runs: runs) }
    }

    /// Opens the archive for a command that audits it (`verify`, `restore`, `export`): manifests
    /// read fresh, never created; runs `body`, then always drops the temporary manifests copy
    /// and the engine made for S3.
    func withAuditedArchive<T>(_ body: (OpenedArchive) async throws -> T) async throws -> T {
        let (opened, engine) = try await open(create: false, freshManifests: true, engine: nil)
        defer {
            opened.discardTemporaryCopy()
            engine?.shutdown()
        }
        return try await body(opened)
    }

    /// Opens the archive and manifests. Without `engine`, one is made when S3 needs it; the
    /// caller shuts it down (the returned `engine`).
    func open(create: Bool, freshManifests: Bool = false, engine: HTTPEngine?, allowHTTP: Bool = false, logger: Logger = Logger(label: "ttsarchive", factory: ConsoleLogHandler.init))
        async throws -> (archive: OpenedArchive, engine: HTTPEngine?)
    {
        var made: HTTPEngine?
        let settings = S3Settings(
            endpoint: s3Endpoint, region: s3Region, partSize: Int(s3PartSize.bytes), allowHTTP: allowHTTP,
            environment: ProcessInfo.processInfo.environment)
        let opened = try await OpenedArchive.open(
            archive: archive, manifests: manifests, stateDirectory: stateDirectory, s3: settings, create: create,
            freshManifests: freshManifests,
            engine: {
                if let engine { return engine }
                let new = HTTPEngine(
                    maxTotal: 16, maxPerHost: 8, userAgent: "\(ToolInfo.name)/\(ToolInfo.version)",
                    transferTimeout: s3TransferDeadline)
                made = new
                return new
            }(), logger: logger)
        return (opened, made)
    }
}

extension StoreOptions: SettingsGroup {
    func explicitSettings(_ given: GivenFlags) -> [ConfigKey: SettingValue] {
        var flags: [ConfigKey: SettingValue] = [:]
        if given.contains("--archive") { flags[.archive] = .string(archive) }
        if given.contains("--manifests") { flags[.manifests] = .string(manifests) }
        return flags
    }

    mutating func apply(_ config: EffectiveConfig) throws {
        archive = config.string(.archive) ?? archive
        manifests = config.string(.manifests) ?? manifests
    }
}
