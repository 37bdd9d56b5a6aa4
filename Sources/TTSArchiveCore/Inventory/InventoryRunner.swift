import Crypto
import Foundation
import Logging

/// One cloud's snapshot result: its manifest entry, and the listing when it succeeded.
public struct CloudInventoryResult: Sendable {
    public var cloud: InventoryCloud
    public var entry: CloudInventoryEntry
    /// The records in canonical order; empty when the cloud failed.
    public var records: [InventoryRecord]
    public var failed: Bool { entry.error != nil }
}

/// What an inventory run wrote: the manifest, its file and digest.
public struct InventoryOutcome: Sendable {
    public var manifest: InventoryManifest
    /// Where `inventory-<timestamp>.json` is: a local path, or under the `s3://` manifests.
    public var file: String
    /// SHA-256 of the manifest's bytes.
    public var sha256: String
    public var exitCode: Int32 { manifest.exitCode }
}

/// Snapshots inventories into the archive and writes the inventory manifest.
///
/// Every cloud is listed concurrently and independently: one failing (refused credentials,
/// throttled past its retries, unreachable) is recorded in its entry and does not stop the
/// others. Callable on its own (`ttsarchive inventory`) or, through ``snapshot(_:)``, as a
/// section of another command's manifest.
public struct InventoryRunner: Sendable {
    public let store: any ObjectStore
    public let manifests: ManifestDirectory
    public let logger: Logger

    public init(store: any ObjectStore, manifests: ManifestDirectory, logger: Logger) {
        self.store = store
        self.manifests = manifests
        self.logger = logger
    }

    /// Lists every source and stores each snapshot; results in cloud order.
    public func snapshot(_ sources: [any InventorySource]) async -> [CloudInventoryResult] {
        let store = self.store, logger = self.logger
        return await withTaskGroup(of: CloudInventoryResult.self) { group in
            for source in sources {
                group.addTask { await Self.snapshot(source, store: store, logger: logger) }
            }
            var results: [CloudInventoryResult] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.cloud < $1.cloud }
        }
    }

    /// Snapshots, cross-references the archived jobs' asset ids, and writes the manifest.
    public func run(_ sources: [any InventorySource], now: @Sendable () -> Date = Date.init) async throws
        -> InventoryOutcome
    {
        let started = now()
        let results = await snapshot(sources)
        var crossReference: InventoryCrossReference?
        if sources.contains(where: { $0.cloud == .huawei }) {
            crossReference = try crossReferenceArchive(huawei: results.first { $0.cloud == .huawei })
        }
        let (name, previous) = try nextManifestName(at: started)
        let manifest = InventoryManifest(
            inventoryID: String(name.dropLast(".json".count)), takenAt: Timestamp.format(started),
            finishedAt: Timestamp.format(now()), tool: ["name": ToolInfo.name, "version": ToolInfo.version],
            previousInventory: previous,
            clouds: Dictionary(uniqueKeysWithValues: results.map { ($0.cloud.rawValue, $0.entry) }),
            crossReference: crossReference)
        let bytes = try manifest.encoded()
        // Published beside the run manifests (for `s3://` manifests, in the bucket); never replaced.
        let sha256 = try await manifests.writeFile(name, bytes: bytes, replace: false)
        return InventoryOutcome(manifest: manifest, file: manifests.display(name), sha256: sha256)
    }

    /// Matches the asset ids of every job in the run-manifest chain against Huawei's resources.
    func crossReferenceArchive(huawei: CloudInventoryResult?) throws -> InventoryCrossReference {
        let archived = ArchivedAssets.read(manifests)
        guard let huawei, !huawei.failed else {
            return InventoryCrossReference.match(
                archived: archived.assetIDs, resources: [], runManifest: archived.head,
                manifestsRead: archived.manifestsRead,
                note: "Huawei voice-training resources could not be listed; every asset id is reported unmatched")
        }
        return InventoryCrossReference.match(
            archived: archived.assetIDs, resources: huawei.records, runManifest: archived.head,
            manifestsRead: archived.manifestsRead, note: archived.note)
    }

    /// `inventory-<UTC timestamp with milliseconds>.json` (fixed width, so names sort by time;
    /// bumped a millisecond while taken) and a link to the newest existing one.
    func nextManifestName(at date: Date) throws -> (String, InventoryLink?) {
        let existing = ((try? FileManager.default.contentsOfDirectory(atPath: manifests.path)) ?? [])
            .filter { $0.hasPrefix("inventory-") && $0.hasSuffix(".json") }.sorted()
        var millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var name = Self.name(millis: millis)
        while existing.contains(name) || (existing.last.map { $0 >= name } ?? false) {
            millis += 1
            name = Self.name(millis: millis)
        }
        let previous = existing.last.flatMap { file -> InventoryLink? in
            guard let data = FileManager.default.contents(atPath: manifests.path + "/" + file) else { return nil }
            return InventoryLink(file: file, sha256: SHA256.hash(data: data).hexString)
        }
        return (name, previous)
    }

    static func name(millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(millis / 1000))
        let stamp = Timestamp.compact(date).dropLast()  // YYYYMMDDTHHMMSS
        let fraction = String(millis % 1000)
        return "inventory-\(stamp).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)Z.json"
    }

    /// Lists one source and stores its snapshot; never throws, a failure is the entry's error.
    static func snapshot(_ source: any InventorySource, store: any ObjectStore, logger: Logger) async
        -> CloudInventoryResult
    {
        let cloud = source.cloud
        do {
            let listing = try await source.listInventory()
            let snapshot = InventorySnapshot(listing)
            let bytes = snapshot.bytes
            let writer = try await IOPool.shared.run { () throws -> any ObjectWriting in
                let writer = try store.makeWriter()
                do {
                    try bytes.withUnsafeBytes { try writer.write($0) }
                } catch {
                    writer.abandon()
                    throw error
                }
                return writer
            }
            let stored: StoredObject
            do {
                stored = try await writer.commit()
            } catch {
                writer.abandon()
                throw error
            }
            logger.debug("\(cloud.rawValue) inventory: \(snapshot.records.count) records, object \(stored.digest.hex)")
            let entry = CloudInventoryEntry(
                status: "ok", api: cloud.api, object: stored.digest.hex, objectPath: stored.path,
                objectNew: stored.isNew, size: stored.size, recordCount: snapshot.records.count,
                recordsWithoutID: snapshot.recordsWithoutID, countsByState: snapshot.countsByState,
                countsByType: snapshot.countsByType, requestIDs: listing.requestIDs, pages: listing.pages,
                attempts: listing.attempts, error: nil)
            return CloudInventoryResult(cloud: cloud, entry: entry, records: snapshot.records)
        } catch {
            logger.debug("\(cloud.rawValue) inventory failed: \(error)")
            return CloudInventoryResult(cloud: cloud, entry: .failed(cloud, error), records: [])
        }
    }
}
