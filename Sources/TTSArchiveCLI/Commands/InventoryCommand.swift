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
        try await mappingErrors {
            let environment = ProcessInfo.processInfo.environment
            let logger = logging.makeLogger()
            // Listing calls only: the same floor as `list`.
            let engine = HTTPEngine(
                maxTotal: 8, maxPerHost: 4, userAgent: "\(ToolInfo.name)/\(ToolInfo.version)", transferTimeout: APIOptions.minimumTransferTime)
            defer { engine.shutdown() }
            let transport = APITransport(engine: engine, policy: .api, logger: logger)
            var sources: [any InventorySource] = []
            for cloud in try clouds.selectedClouds(environment: environment, tokenFile: api.tokenFile) {
                switch cloud {
                case .huawei:
                    let client = MetaStudioClient(
                        endpoint: try api.resolvedEndpoint(),
                        projectID: try HuaweiCredentials.projectID(explicit: api.projectID, environment: environment),
                        credentials: try HuaweiCredentials.load(environment: environment, tokenFile: api.tokenFile),
                        transport: transport)
                    sources.append(HuaweiQuotaClient(client: client, pageSize: clouds.pageSize))
                case .alibaba:
                    sources.append(try clouds.alibabaSource(environment: environment, transport: transport, allowHTTP: api.allowHTTP))
                case .volcengine:
                    sources.append(try clouds.volcengineSource(environment: environment, transport: transport, allowHTTP: api.allowHTTP))
                }
            }
            let runner = InventoryRunner(
                store: try store.openLocalStore(create: true), manifests: try ManifestDirectory(path: store.manifests),
                logger: logger)
            let outcome = try await runner.run(sources)
            report(outcome)
            if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
        }
    }

    private func report(_ outcome: InventoryOutcome) {
        if json {
            Console.json(String(decoding: (try? outcome.manifest.encoded()) ?? [], as: UTF8.self), terminator: "")
            return
        }
        for (name, entry) in outcome.manifest.clouds.sorted(by: { $0.key < $1.key }) {
            if let error = entry.error {
                Console.out("\(name): FAILED: \(error.message)")
            } else {
                let object = entry.object.map { String($0.prefix(16)) } ?? "-"
                Console.out("\(name): \(entry.recordCount) records, object \(object)… (\(entry.objectNew == true ? "new" : "unchanged")), \(entry.pages) pages")
            }
        }
        if let cross = outcome.manifest.crossReference {
            Console.out("asset_ids: \(cross.assetIDs) archived, \(cross.matched) matched, \(cross.unmatched) unmatched")
        }
        Console.out("manifest \(outcome.file) sha256 \(outcome.sha256)")
    }
}

extension InventoryCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<InventoryCommand>] { [.init(\.store), .init(\.api), .init(\.clouds)] }
}
