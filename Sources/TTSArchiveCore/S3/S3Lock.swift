import Foundation

/// A lock in the object store: `PREFIX/locks/<name>.json`, taken by a conditional create
/// (`If-None-Match: *`), so of two runs that race for it exactly one wins, on any host.
///
/// The body names the owner (host, pid, command) and an expiry: a holder that died without
/// releasing it (a killed pod) blocks the next run only until then. Runs refresh nothing;
/// pick `ttl` longer than a night (default 12 h) and release on every exit path.
public final class S3Lock: Sendable {
    /// The lock's body.
    struct Body: Codable {
        var holder: LockHolder
        var expiresAt: String
        enum CodingKeys: String, CodingKey { case holder, expiresAt = "expires_at" }
    }

    let client: S3Client
    let bucket: String
    let key: String
    let body: [UInt8]
    /// The lock that was taken over because it had expired (or `--break-lock`), if any.
    public let replaced: LockStatus?

    private init(client: S3Client, bucket: String, key: String, body: [UInt8], replaced: LockStatus?) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.body = body
        self.replaced = replaced
    }

    /// Takes `locks/<name>.json` under `root`, waiting up to `wait` seconds for a live holder.
    /// Throws ``ArchiveLockError`` (exit 4) when it stays held.
    public static func acquire(
        _ name: String, in root: S3Location, client: S3Client, command: String, ttl: TimeInterval = 12 * 3600,
        wait: TimeInterval = 0, breakLock: Bool = false, onWait: (@Sendable (LockStatus) -> Void)? = nil
    ) async throws -> S3Lock {
        let key = root.key("locks/\(name).json")
        let display = "s3://\(root.bucket)/\(key)"
        var patience = LockPatience(wait: wait, maxPause: 5, onWait: onWait)
        while true {
            let now = Date()
            let holder = LockHolder(host: ArchiveLock.localHost(), pid: getpid(), startedAt: Timestamp.format(now), command: command)
            let body = try JSONEncoder().encode(Body(holder: holder, expiresAt: Timestamp.format(now.addingTimeInterval(ttl))))
            if case .created = try await client.put(bucket: root.bucket, key: key, body: Array(body), contentType: "application/json", ifAbsent: true) {
                return S3Lock(client: client, bucket: root.bucket, key: key, body: Array(body), replaced: nil)
            }
            let found = try? await client.get(bucket: root.bucket, key: key)
            let current = found.flatMap { try? JSONDecoder().decode(Body.self, from: Data($0)) }
            let status = LockStatus(
                holder: current?.holder, path: display, ageSeconds: current?.holder.age(now: now),
                sameHost: current?.holder.host == ArchiveLock.localHost(), alive: nil)
            let expired = current.flatMap { Timestamp.parse($0.expiresAt) }.map { $0 < now } ?? (found == nil)
            if expired || breakLock {
                // Expired or broken on request: remove it and race for it again; a rival that
                // re-creates it first simply wins the next round.
                try await client.delete(bucket: root.bucket, key: key)
                if case .created = try await client.put(bucket: root.bucket, key: key, body: Array(body), contentType: "application/json", ifAbsent: true) {
                    return S3Lock(client: client, bucket: root.bucket, key: key, body: Array(body), replaced: status)
                }
                continue
            }
            try await patience.holdOn(status)
        }
    }

    /// Releases the lock if it is still ours (an expired lock may have been taken over).
    public func release() async {
        guard let current = try? await client.get(bucket: bucket, key: key), current == body else { return }
        try? await client.delete(bucket: bucket, key: key)
    }
}
