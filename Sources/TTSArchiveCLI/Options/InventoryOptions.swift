import ArgumentParser
import Foundation
import Logging
import TTSArchiveCore
import TTSNative

/// Which clouds `ttsarchive inventory` snapshots, and where their APIs are.
struct InventoryOptions: ParsableArguments {
    @Flag(help: "Snapshot Huawei MetaStudio voice-training resources (ShowVoiceTrainingQuotas).")
    var huawei = false

    @Flag(help: "Snapshot Alibaba Cloud ICE cloned-voice jobs (ListCustomizedVoiceJobs).")
    var alibaba = false

    @Flag(help: "Snapshot Volcengine VMS voice resources (QueryUsableResourceV2).")
    var volcengine = false

    @Option(name: .customLong("alibaba-endpoint"), help: "ICE endpoint URL (default https://ice.REGION.aliyuncs.com).")
    var alibabaEndpoint: String?

    @Option(name: .customLong("alibaba-region"), help: "Alibaba Cloud region for the default ICE endpoint.")
    var alibabaRegion = "cn-shanghai"

    @Option(name: .customLong("volcengine-endpoint"), help: "VMS endpoint URL (default \(VolcengineVMSClient.defaultEndpoint)).")
    var volcengineEndpoint: String?

    @Option(name: .customLong("volcengine-region"), help: "Region in the Volcengine signature's credential scope.")
    var volcengineRegion = VolcengineVMSClient.defaultRegion

    @Option(name: .customLong("page-size"), help: "Records per page for Huawei and Alibaba (1…100).")
    var pageSize = 100

    func validate() throws {
        if !(1...100).contains(pageSize) { throw ValidationError("--page-size must be 1…100") }
        if volcengineRegion.isEmpty || !volcengineRegion.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
            throw ValidationError("--volcengine-region '\(volcengineRegion)' is not a region name (like cn-north-1)")
        }
    }

    /// The clouds asked for: the flags given, else every cloud whose credentials are set.
    func selectedClouds(environment: [String: String], tokenFile: String?) throws -> [InventoryCloud] {
        let flagged = [(huawei, InventoryCloud.huawei), (alibaba, .alibaba), (volcengine, .volcengine)]
            .filter(\.0).map(\.1)
        if !flagged.isEmpty { return flagged }
        func set(_ names: String...) -> Bool { names.contains { !(environment[$0] ?? "").isEmpty } }
        var clouds: [InventoryCloud] = []
        if set("HUAWEICLOUD_SDK_AK", "CLOUD_SDK_AK", "TTSARCHIVE_AUTH_TOKEN") || tokenFile != nil { clouds.append(.huawei) }
        if set("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET") { clouds.append(.alibaba) }
        if set("VOLC_ACCESSKEY", "VOLC_SECRETKEY") { clouds.append(.volcengine) }
        guard !clouds.isEmpty else {
            throw TTSArchiveError(
                .configuration,
                "no cloud credentials are set", fix: "set \(InventoryCloud.allCases.map(\.credentialHint).joined(separator: "; or ")), or name clouds with --huawei/--alibaba/--volcengine")
        }
        return clouds
    }

    /// The listers of the clouds asked for, over `engine`; Huawei's through the MetaStudio
    /// client the API options make.
    func sources(environment: [String: String], api: APIOptions, engine: HTTPEngine, logger: Logger) throws -> [any InventorySource] {
        let transport = APITransport(engine: engine, policy: .api, logger: logger)
        return try selectedClouds(environment: environment, tokenFile: api.tokenFile).map { cloud -> any InventorySource in
            switch cloud {
            case .huawei:
                return HuaweiQuotaClient(client: try api.makeClient(engine: engine, logger: logger, environment: environment), pageSize: pageSize)
            case .alibaba: return try alibabaSource(environment: environment, transport: transport, allowHTTP: api.allowHTTP)
            case .volcengine: return try volcengineSource(environment: environment, transport: transport, allowHTTP: api.allowHTTP)
            }
        }
    }

    /// The Alibaba lister; credentials are required once Alibaba is asked for.
    func alibabaSource(environment: [String: String], transport: APITransport, allowHTTP: Bool) throws -> AlibabaICEClient {
        guard let credentials = try AlibabaCredentials.load(environment: environment) else {
            throw TTSArchiveError(.configuration, "--alibaba needs Alibaba credentials", fix: "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        }
        let endpoint = try alibabaEndpoint.map { try Endpoint($0, allowHTTP: allowHTTP) }
            ?? AlibabaICEClient.endpoint(region: alibabaRegion)
        return AlibabaICEClient(
            endpoint: endpoint, region: alibabaRegion, credentials: credentials, transport: transport, pageSize: pageSize)
    }

    /// The Volcengine lister; credentials are required once Volcengine is asked for.
    func volcengineSource(environment: [String: String], transport: APITransport, allowHTTP: Bool) throws -> VolcengineVMSClient {
        guard let credentials = try VolcengineCredentials.load(environment: environment) else {
            throw TTSArchiveError(.configuration, "--volcengine needs Volcengine credentials", fix: "set VOLC_ACCESSKEY and VOLC_SECRETKEY")
        }
        let endpoint = try Endpoint(volcengineEndpoint ?? VolcengineVMSClient.defaultEndpoint, allowHTTP: allowHTTP)
        return VolcengineVMSClient(endpoint: endpoint, region: volcengineRegion, credentials: credentials, transport: transport)
    }
}

extension InventoryOptions: SettingsGroup {
    func explicitSettings(_ given: GivenFlags) -> [ConfigKey: SettingValue] {
        var flags: [ConfigKey: SettingValue] = [:]
        if let alibabaEndpoint { flags[.alibabaEndpoint] = .string(alibabaEndpoint) }
        if let volcengineEndpoint { flags[.volcengineEndpoint] = .string(volcengineEndpoint) }
        if given.contains("--alibaba-region") { flags[.alibabaRegion] = .string(alibabaRegion) }
        if given.contains("--volcengine-region") { flags[.volcengineRegion] = .string(volcengineRegion) }
        let flagged = [(huawei, "huawei"), (alibaba, "alibaba"), (volcengine, "volcengine")].filter(\.0).map(\.1)
        if !flagged.isEmpty { flags[.inventoryClouds] = .strings(flagged) }
        return flags
    }

    mutating func apply(_ config: EffectiveConfig) throws {
        alibabaEndpoint = config.string(.alibabaEndpoint)
        volcengineEndpoint = config.string(.volcengineEndpoint)
        alibabaRegion = config.string(.alibabaRegion) ?? alibabaRegion
        volcengineRegion = config.string(.volcengineRegion) ?? volcengineRegion
        // The file's cloud list counts like the flags; the built-in one does not (then every
        // cloud whose credentials are set is snapshotted).
        if case .builtIn = config[.inventoryClouds].source { return }
        let clouds = Set(config.strings(.inventoryClouds))
        (huawei, alibaba, volcengine) = (clouds.contains("huawei"), clouds.contains("alibaba"), clouds.contains("volcengine"))
    }
}
