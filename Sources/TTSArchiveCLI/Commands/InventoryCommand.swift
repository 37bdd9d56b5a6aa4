import ArgumentParser
import Foundation
import TTSArchiveCore
import TTSNative

/// `ttsarchive inventory`: snapshot the clouds' voice-resource inventories into the archive.
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Snapshot Huawei, Alibaba and Volcengine voice-resource inventories into the archive.",
        discussion: """
            Each inventory is stored as one canonical JSON object (unchanged inventories store nothing new); \
            manifests/inventory-<timestamp>.json records the objects, counts, request ids, errors, and the archived \
            jobs' asset_ids matched against Huawei's voice-training resources. Without cloud flags, every cloud whose \
            credentials are set is snapshotted. Exit 0 when all succeeded, 1 when some failed, 3 when every cloud \
            refused the credentials.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions
    @OptionGroup(title: "Huawei MetaStudio") var api: APIOptions
    @OptionGroup(title: "Clouds") var clouds: InventoryOptions
    @OptionGroup var logging: LoggingOptions
    @Flag(help: "Print the inventory manifest as JSON on stdout.") var json = false

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = logging.makeLogger()
        // Listing calls only: the same floor as `list`.
        let engine = HTTPEngine(
            maxTotal: 8, maxPerHost: 4, userAgent: "\(ToolInfo.name)/\(ToolInfo.version)", transferTimeout: APIOptions.minimumTransferTime)
        defer { engine.shutdown() }
        let sources = try clouds.sources(environment: environment, api: api, engine: engine, logger: logger)
        let opened = try await store.open(create: true, engine: engine, allowHTTP: api.allowHTTP, logger: logger).archive
        let runner = InventoryRunner(store: opened.objects, manifests: try opened.manifestDirectory(), logger: logger)
        let outcome = try await runner.run(sources)
        if json {
            Console.json(String(decoding: (try? outcome.manifest.encoded()) ?? [], as: UTF8.self), terminator: "")
        } else {
            Self.describe(outcome).forEach { Console.out($0) }
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// The lines people read about a snapshot (also after `run --inventory`).
    static func describe(_ outcome: InventoryOutcome) -> [String] {
        var lines: [String] = []
        for (name, entry) in outcome.manifest.clouds.sorted(by: { $0.key < $1.key }) {
            if let error = entry.error {
                lines.append("\(name): FAILED: \(error.message)")
            } else {
                let object = entry.object.map { String($0.prefix(16)) } ?? "-"
                lines.append("\(name): \(entry.recordCount) records, object \(object)… (\(entry.objectNew == true ? "new" : "unchanged")), \(entry.pages) pages")
            }
        }
        if let cross = outcome.manifest.crossReference {
            lines.append(
                "asset_ids: \(cross.assetIDs) archived, \(cross.matched) matched, \(cross.unmatched) unmatched (unknown to Huawei), "
                    + "\(cross.orphans ?? 0) orphans (Huawei voices no archived job used)")
        }
        lines.append("manifest \(outcome.file) sha256 \(outcome.sha256)")
        return lines
    }
}

extension InventoryCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<InventoryCommand>] { [.init(\.store), .init(\.api), .init(\.clouds)] }
}
