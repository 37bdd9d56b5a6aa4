import Crypto

/// `--shard K/N`: this process archives the jobs whose `job_id` hashes to K of N.
///
/// The hash is stable across hosts, versions and runs: the first 8 bytes of SHA-256 of the
/// job id's UTF-8 bytes, read big-endian, modulo N. Every shard lists the whole window and
/// keeps its own jobs, so N shards over the same window take every job exactly once between
/// them, whatever order the API lists them in.
public struct ShardSpec: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Parses `K/N` with 0 ≤ K < N ≤ 4096.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), (1...4096).contains(n), (0..<n).contains(k) else { return nil }
        index = k
        count = n
    }

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// The shard (0…count-1) that owns `jobID`.
    public static func owner(of jobID: String, count: Int) -> Int {
        let digest = Array(SHA256.hash(data: Array(jobID.utf8)))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(count))
    }

    /// True when this shard archives `jobID`.
    public func owns(_ jobID: String) -> Bool { Self.owner(of: jobID, count: count) == index }

    /// `2/3`.
    public var description: String { "\(index)/\(count)" }
    /// `shard-2-of-3`: for file names and lock names.
    public var fileStem: String { "shard-\(index)-of-\(count)" }

    /// Where this shard of `group` writes its manifest, relative to the manifests folder.
    public func manifestFile(group: String) -> String {
        "shards/\(group)/\(fileStem).json"
    }
}

extension ManifestShard {
    /// The record of `spec`'s slice of the night `runGroup`.
    public init(_ spec: ShardSpec, runGroup: String) {
        index = spec.index
        count = spec.count
        self.runGroup = runGroup
    }
}
