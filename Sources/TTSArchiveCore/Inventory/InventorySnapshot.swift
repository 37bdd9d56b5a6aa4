/// One record of an inventory as the API returned it, with the fields the manifest counts by.
public struct InventoryRecord: Sendable, Hashable {
    /// The record's id (`resource_id`, `JobId`, `ResourceKey`); nil when the API left it out.
    public var id: String?
    /// The type the record was listed under (`Basic`, `0`, …) or its own type field.
    public var type: String?
    /// Its state (`status`, `Status`, `State`) as text.
    public var state: String?
    /// The record itself, every field kept.
    public var body: RawJSON

    public init(id: String?, type: String?, state: String?, body: RawJSON) {
        self.id = id
        self.type = type
        self.state = state
        self.body = body
    }
}

/// Everything one cloud's inventory listing produced: the records, and the volatile facts
/// about the listing (request ids, pages, attempts) that must stay out of the stored snapshot.
public struct InventoryListing: Sendable {
    public var cloud: InventoryCloud
    /// Stable facts naming what was listed (project id, region): part of the snapshot.
    public var scope: [String: String]
    public var records: [InventoryRecord]
    /// Account-level totals the API returned beside the records (Huawei's
    /// `resource_available_nums`); part of the snapshot.
    public var summary: RawJSON?
    /// Request id of every page, in the order fetched.
    public var requestIDs: [String]
    /// Pages fetched.
    public var pages: Int
    /// HTTP attempts in all (pages plus retries).
    public var attempts: Int

    public init(
        cloud: InventoryCloud, scope: [String: String], records: [InventoryRecord] = [], summary: RawJSON? = nil,
        requestIDs: [String] = [], pages: Int = 0, attempts: Int = 0
    ) {
        self.cloud = cloud
        self.scope = scope
        self.records = records
        self.summary = summary
        self.requestIDs = requestIDs
        self.pages = pages
        self.attempts = attempts
    }
}

/// The canonical document stored for one cloud's inventory (`ttsarchive.inventory-snapshot/v1`).
///
/// Only what describes the inventory goes in: the cloud, the API, the scope, the summary and
/// the records sorted by id (then by their bytes, for records sharing or lacking an id). Request
/// ids, times and page counts change on every call, so they live in the inventory manifest;
/// that keeps an unchanged inventory the same object run after run.
public struct InventorySnapshot: Sendable {
    public static let schema = "ttsarchive.inventory-snapshot/v1"

    public let cloud: InventoryCloud
    /// Records in canonical order.
    public let records: [InventoryRecord]
    /// The document's bytes: canonical JSON and a final newline.
    public let bytes: [UInt8]

    /// Builds the canonical document of a listing.
    public init(_ listing: InventoryListing) {
        cloud = listing.cloud
        let keyed = listing.records.map { (record: $0, bytes: $0.body.bytes) }
        let sorted = keyed.sorted { lhs, rhs in
            let l = Array((lhs.record.id ?? "").utf8), r = Array((rhs.record.id ?? "").utf8)
            if l != r { return l.lexicographicallyPrecedes(r) }
            return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
        }
        records = sorted.map(\.record)
        var document: [String: RawJSON] = [
            "schema": .string(Self.schema), "cloud": .string(listing.cloud.rawValue),
            "api": .string(listing.cloud.api), "scope": .object(listing.scope.mapValues { .string($0) }),
            "record_count": .integer(Int64(records.count)), "records": .array(records.map(\.body)),
        ]
        if let summary = listing.summary { document["summary"] = summary }
        bytes = RawJSON.object(document).bytes + [0x0A]
    }

    /// Records per state (records without one under `unknown`).
    public var countsByState: [String: Int] { Self.count(records.map { $0.state ?? "unknown" }) }

    /// Records per type (records without one under `unknown`).
    public var countsByType: [String: Int] { Self.count(records.map { $0.type ?? "unknown" }) }

    /// Records that came without an id.
    public var recordsWithoutID: Int { records.filter { $0.id == nil }.count }

    private static func count(_ keys: [String]) -> [String: Int] {
        keys.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
