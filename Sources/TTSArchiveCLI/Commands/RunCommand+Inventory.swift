import ArgumentParser
import Foundation
import Logging
import TTSArchiveCore
import TTSNative

/// `run --inventory`: the clouds' inventories snapshotted after the night, by the run itself,
/// so the snapshot sees the night's manifest and no other writer can come between the two.
extension RunCommand {
    /// Refuses what `--inventory` cannot go with.
    func validateInventory() throws {
        guard inventory else { return }
        if dryRun { throw ValidationError("--inventory stores snapshots; a --dry-run stores nothing") }
        // Each shard would snapshot the same clouds again, outside the night the merge writes.
        if shard != nil { throw ValidationError("--inventory snapshots once per night: run `ttsarchive inventory` after the shards' merge") }
    }

    /// The listers, made before the night so missing or half-set cloud credentials stop the run
    /// at once (exit 2) rather than after hours of downloads.
    func inventorySources(environment: [String: String], engine: HTTPEngine, logger: Logger) throws -> [any InventorySource] {
        inventory ? try clouds.sources(environment: environment, api: api, engine: engine, logger: logger) : []
    }

    /// Snapshots into the run's store and manifests, still under the run's lock; returns the
    /// snapshot's exit code (0, or 1 / 3 when clouds failed).
    func snapshotInventory(_ sources: [any InventorySource], opened: OpenedArchive, manifests: ManifestDirectory, logger: Logger) async throws -> Int32 {
        let outcome = try await InventoryRunner(store: opened.objects, manifests: manifests, logger: logger).run(sources)
        for line in InventoryCommand.describe(outcome) { say("inventory: " + line) }
        return outcome.exitCode
    }
}
