import Foundation
import Testing
import TTSNative
import TTSSimulator
import TTSTestSupport
@testable import TTSArchiveCore

/// One night archived into a SeaweedFS bucket with `run --inventory`, against the MetaStudio
/// and inventory simulators of one seed (the demo's world), for tests that read an S3 archive.
struct S3Night: Sendable {
    let seaweed: SeaweedFS
    let sim: SimHarness
    let inventory: InventorySimulator
    let root: S3Location
    /// The night's host: its `XDG_STATE_HOME`, where the run's state lives.
    let host: ScratchDirectory
    private(set) var run = ToolProcess.Result(status: -1, stdout: "", stderr: "")

    static func make(jobs: Int = 30, seed: UInt64 = 29) async throws -> S3Night {
        let seaweed = try await SeaweedFS.shared()
        let sim = try await SimHarness.start(jobs: jobs, seed: seed) { $0.audioMaxBytes = 300_000 }
        let inventory = InventorySimulator(config: InventorySimulatorConfig(seed: seed))
        _ = try await inventory.start()
        var night = S3Night(
            seaweed: seaweed, sim: sim, inventory: inventory, root: seaweed.freshLocation("commands"), host: ScratchDirectory("s3-night"))
        night.run = try await night.tool(
            night.runArguments(night.s3)
                + ["--inventory", "--alibaba-endpoint", inventory.alibabaURL, "--volcengine-endpoint", inventory.volcengineURL])
        return night
    }

    var archive: String { root.appending("archive").description }

    /// `--s3-endpoint`, `--archive` and `--manifests` for a bucket location.
    func locations(_ root: S3Location) -> [String] {
        ["--s3-endpoint", seaweed.endpoint, "--archive", root.appending("archive").description,
         "--manifests", root.appending("manifests").description]
    }

    var s3: [String] { locations(root) }

    /// `run` over the simulator's window into `s3`.
    func runArguments(_ s3: [String]) -> [String] {
        ["run", "--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until] + s3
    }

    /// Every credential a command may need (never in argv), and a state folder: the night's
    /// host's unless another is named.
    func environment(stateHome: String? = nil) -> [String: String] {
        sim.environment.merging(SeaweedFS.environment) { a, _ in a }
            .merging(InventoryTests.credentials(inventory.config)) { a, _ in a }
            .merging(["XDG_STATE_HOME": stateHome ?? host.path]) { _, b in b }
    }

    /// Runs `ttsarchive` with the night's locations unless `arguments` name their own; no
    /// secret may appear in what it prints.
    func tool(_ arguments: [String], stateHome: String? = nil) async throws -> ToolProcess.Result {
        let args = arguments.contains("--archive") ? arguments : arguments + s3
        let result = try await ToolProcess.run(args, environment: environment(stateHome: stateHome))
        for secret in sim.secrets + [SeaweedFS.secretKey, inventory.config.alibabaAccessKeySecret, inventory.config.volcengineSecretKey] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(args.first ?? "") printed a secret")
        }
        return result
    }

    /// A key under the night's manifests prefix, or nil when absent.
    func object(_ name: String, under prefix: String = "") async throws -> [UInt8]? {
        let engine = HTTPEngine(maxTotal: 2, maxPerHost: 2)
        defer { engine.shutdown() }
        let location = prefix.isEmpty ? root : root.appending(prefix)
        do {
            return try await seaweed.client(engine: engine).get(bucket: location.bucket, key: location.key(name))
        } catch let error as StoreError where error.code == .unknownObject {
            return nil
        }
    }

    func head() async throws -> ManifestHead {
        try JSONDecoder().decode(ManifestHead.self, from: Data(try #require(try await object("HEAD.json", under: "manifests"))))
    }

    func manifest() async throws -> Manifest {
        let file = try await head().file
        return try JSONDecoder().decode(Manifest.self, from: Data(try #require(try await object(file, under: "manifests"))))
    }

    /// The inventory manifests in the bucket, oldest first.
    func inventoryManifests() async throws -> [InventoryManifest] {
        let engine = HTTPEngine(maxTotal: 2, maxPerHost: 2)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let manifests = root.appending("manifests")
        let keys = try await client.list(bucket: manifests.bucket, prefix: manifests.key("inventory-")).map(\.key).sorted()
        var out: [InventoryManifest] = []
        for key in keys {
            out.append(try JSONDecoder().decode(InventoryManifest.self, from: Data(try await client.get(bucket: manifests.bucket, key: key))))
        }
        return out
    }
}
