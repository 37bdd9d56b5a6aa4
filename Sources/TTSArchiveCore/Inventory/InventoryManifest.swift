import Foundation

/// A failure of one cloud's snapshot, as the manifest records it (never a secret).
public struct InventoryErrorRecord: Sendable, Codable, Hashable {
    /// `authentication`, `refused`, `malformed_response`, `transport` or `store`.
    public var kind: String
    public var status: Int?
    public var code: String?
    public var requestID: String?
    /// One line saying what happened and what to do.
    public var message: String

    public init(kind: String, status: Int? = nil, code: String? = nil, requestID: String? = nil, message: String) {
        self.kind = kind
        self.status = status
        self.code = code
        self.requestID = requestID
        self.message = message
    }

    /// The record of any error a snapshot can end with.
    public init(_ error: any Error) {
        switch error {
        case let error as CloudAPIError:
            self.init(
                kind: error.kind.rawValue, status: error.status, code: error.code, requestID: error.requestID,
                message: error.description)
        case let error as StoreError:
            self.init(kind: "store", message: "\(error)")
        default:
            self.init(kind: "transport", message: "\(error)")
        }
    }

    enum CodingKeys: String, CodingKey { case kind, status, code, message, requestID = "request_id" }
}

/// One cloud's section of the inventory manifest.
public struct CloudInventoryEntry: Sendable, Codable, Hashable {
    /// `ok` or `failed`.
    public var status: String
    public var api: String
    /// Digest (SHA-256 of the snapshot document) of the stored object; nil when it failed.
    public var object: String?
    /// The object's path under the archive root.
    public var objectPath: String?
    /// False when an identical snapshot was already stored (the inventory did not change).
    public var objectNew: Bool?
    public var size: Int64?
    public var recordCount: Int
    public var recordsWithoutID: Int
    public var countsByState: [String: Int]
    public var countsByType: [String: Int]
    /// Request id of every page (volatile, so kept here and not in the snapshot).
    public var requestIDs: [String]
    public var pages: Int
    public var attempts: Int
    public var error: InventoryErrorRecord?

    /// A failed cloud's entry.
    public static func failed(_ cloud: InventoryCloud, _ error: any Error) -> CloudInventoryEntry {
        CloudInventoryEntry(
            status: "failed", api: cloud.api, object: nil, objectPath: nil, objectNew: nil, size: nil, recordCount: 0,
            recordsWithoutID: 0, countsByState: [:], countsByType: [:], requestIDs: [], pages: 0, attempts: 0,
            error: InventoryErrorRecord(error))
    }

    enum CodingKeys: String, CodingKey {
        case status, api, object, size, pages, attempts, error
        case objectPath = "object_path", objectNew = "object_new", recordCount = "record_count"
        case recordsWithoutID = "records_without_id", countsByState = "counts_by_state"
        case countsByType = "counts_by_type", requestIDs = "request_ids"
    }
}

/// The archived TTS jobs' `asset_id`s matched against Huawei's voice-training resources.
public struct InventoryCrossReference: Sendable, Codable, Hashable {
    /// The newest run manifest the walk started from; nil when there is none.
    public var runManifest: ManifestLink?
    /// Run manifests read (the chain from the head back).
    public var manifestsRead: Int
    /// Archived jobs that name an asset.
    public var jobsWithAssetID: Int
    /// Distinct asset ids among them.
    public var assetIDs: Int
    public var matched: Int
    public var unmatched: Int
    /// Sorted.
    public var unmatchedAssetIDs: [String]
    /// Huawei resources' asset ids that no archived job names: voices trained and paid for but
    /// not used by the archived nights. Nil in manifests written before orphans were counted.
    public var orphans: Int?
    /// Sorted.
    public var orphanAssetIDs: [String]?
    /// Why the cross-reference is incomplete or missing (Huawei failed, a manifest unreadable).
    public var note: String?

    /// Matches `archived` asset ids against the resources' `asset_id`s.
    public static func match(
        archived: [String], resources: [InventoryRecord], runManifest: ManifestLink?, manifestsRead: Int,
        note: String? = nil
    ) -> InventoryCrossReference {
        let known = Set(resources.compactMap { $0.body["asset_id"]?.scalarText })
        let distinct = Set(archived)
        let unmatched = distinct.subtracting(known).sorted()
        let orphans = known.subtracting(distinct).sorted()
        return InventoryCrossReference(
            runManifest: runManifest, manifestsRead: manifestsRead, jobsWithAssetID: archived.count,
            assetIDs: distinct.count, matched: distinct.count - unmatched.count, unmatched: unmatched.count,
            unmatchedAssetIDs: unmatched, orphans: orphans.count, orphanAssetIDs: orphans, note: note)
    }

    enum CodingKeys: String, CodingKey {
        case matched, unmatched, note, orphans
        case runManifest = "run_manifest", manifestsRead = "manifests_read", jobsWithAssetID = "jobs_with_asset_id"
        case assetIDs = "asset_ids", unmatchedAssetIDs = "unmatched_asset_ids", orphanAssetIDs = "orphan_asset_ids"
    }
}

/// A link to the previous inventory manifest: its file name and the SHA-256 of its bytes.
public struct InventoryLink: Sendable, Codable, Hashable {
    public var file: String
    public var sha256: String
}

/// `ttsarchive.inventory/v1`: one inventory snapshot run (`manifests/inventory-<timestamp>.json`).
public struct InventoryManifest: Sendable, Codable, Hashable {
    public static let schemaV1 = "ttsarchive.inventory/v1"

    public var schema = InventoryManifest.schemaV1
    public var inventoryID: String
    public var takenAt: String
    public var finishedAt: String
    public var tool: [String: String]
    /// The inventory manifest before this one, so inventory manifests form a chain too.
    public var previousInventory: InventoryLink?
    /// By cloud name, the clouds asked for only.
    public var clouds: [String: CloudInventoryEntry]
    /// Nil when Huawei was not asked for.
    public var crossReference: InventoryCrossReference?

    enum CodingKeys: String, CodingKey {
        case schema, tool, clouds
        case inventoryID = "inventory_id", takenAt = "taken_at", finishedAt = "finished_at"
        case previousInventory = "previous_inventory", crossReference = "cross_reference"
    }

    /// Sorted keys, no escaped slashes, a final newline.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// The contract's exit code: 0 when every cloud succeeded; 3 when every cloud failed on
    /// authentication; otherwise 1 when any failed.
    public var exitCode: Int32 {
        let failures = clouds.values.compactMap(\.error)
        if failures.isEmpty { return ExitClass.success.code }
        if failures.count == clouds.count, failures.allSatisfy({ $0.kind == CloudAPIError.Kind.authentication.rawValue }) {
            return ExitClass.authentication.code
        }
        return ExitClass.partial.code
    }
}
