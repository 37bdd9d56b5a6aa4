/// A shard manifest's own record of which slice it is (`"shard"` in its JSON).
public struct ManifestShard: Sendable, Codable, Hashable {
    public var index: Int
    public var count: Int
    public var runGroup: String

    enum CodingKeys: String, CodingKey { case index, count, runGroup = "run_group" }
}

/// A merged night's reference to one shard manifest (`"shards"` in its JSON).
public struct ManifestShardRef: Sendable, Codable, Hashable {
    public var shard: String
    public var runID: String
    public var file: String
    public var sha256: String
    public var complete: Bool

    enum CodingKeys: String, CodingKey { case shard, file, sha256, complete, runID = "run_id" }
}
