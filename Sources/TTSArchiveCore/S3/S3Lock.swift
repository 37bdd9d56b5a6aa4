import Foundation
import TTSNative

/// A lock in the object store: `PREFIX/locks/<name>.json`, taken by a conditional create
/// (`If-None-Match: *`), so of two runs that race for it exactly one wins, on any host.
///
/// The body names the owner (host, pid, command) and an expiry. The holder renews the expiry
/// every third of `ttl` (default 10 minutes) while it runs, so a holder that died without
/// releasing it (a SIGKILLed process, a lost pod) blocks the next run for at most `ttl`: a
/// retried shard with `--wait-lock` longer than that takes it over.
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
    let holder: LockHolder
    let ttl: TimeInterval
    /// The lock that was taken over because it had expired (or `--break-lock`), if any.
    public let replaced: LockStatus?
    private let heartbeat = Locked<Task<Void, Never>?>(nil)

    private init(client: S3Client, bucket: String, key: String, holder: LockHolder, ttl: TimeInterval, replaced: LockStatus?) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.holder = holder
        self.ttl = ttl
        self.replaced = replaced
    }

    private func startHeartbeat() -> S3Lock {
        let task = Task { [client, bucket, key, holder, ttl] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(0.5, ttl / 3)))
                if Task.isCancelled { break }
                // Renew only while it is still ours: an expired lock may have been taken over.
                // (Check, then write: a holder cut off for longer than `ttl` could overwrite its
                // successor's lock in that instant; the run lock is a guard, not a consensus.)
                guard await Self.held(by: holder, client: client, bucket: bucket, key: key), let body = try? Self.encode(holder, ttl: ttl)
                else { break }
                _ = try? await client.put(bucket: bucket, key: key, body: body, contentType: "application/json", ifAbsent: false)
            }
        }
        heartbeat.withLock { $0 = task }
        return self
    }

    static func encode(_ holder: LockHolder, ttl: TimeInterval) throws -> [UInt8] {
        Array(try JSONEncoder().encode(Body(holder: holder, expiresAt: Timestamp.format(Date().addingTimeInterval(ttl)))))
    }

    /// Takes `locks/<name>.json` under `root`, waiting up to `wait` seconds for a live holder.
    /// Throws ``ArchiveLockError`` (exit 4) when it stays held.
    public static func acquire(
        _ name: String, in root: S3Location, client: S3Client, command: String, ttl: TimeInterval = 600,
        wait: TimeInterval = 0, breakLock: Bool = false, onWait: (@Sendable (LockStatus) -> Void)? = nil
    ) async throws -> S3Lock {
        let key = root.key("locks/\(name).json")
        let display = "s3://\(root.bucket)/\(key)"
        var patience = LockPatience(wait: wait, maxPause: 5, onWait: onWait)
        while true {
            let now = Date()
            let holder = LockHolder(host: ArchiveLock.localHost(), pid: getpid(), startedAt: Timestamp.format(now), command: command)
            let body = try encode(holder, ttl: ttl)
            if case .created = try await client.put(bucket: root.bucket, key: key, body: body, contentType: "application/json", ifAbsent: true) {
                return S3Lock(client: client, bucket: root.bucket, key: key, holder: holder, ttl: ttl, replaced: nil).startHeartbeat()
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
                if case .created = try await client.put(bucket: root.bucket, key: key, body: body, contentType: "application/json", ifAbsent: true) {
                    return S3Lock(client: client, bucket: root.bucket, key: key, holder: holder, ttl: ttl, replaced: status).startHeartbeat()
                }
                continue
            }
            try await patience.holdOn(status)
        }
    }

    /// Stops renewing without releasing: what a killed holder leaves behind (the lock then
    /// lapses after `ttl`).
    public func abandon() {
        heartbeat.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// Releases the lock if it is still ours (an expired lock may have been taken over).
    public func release() async {
        abandon()
        guard await Self.held(by: holder, client: client, bucket: bucket, key: key) else { return }
        try? await client.delete(bucket: bucket, key: key)
    }

    /// True when the lock object names `holder` (not taken over since).
    private static func held(by holder: LockHolder, client: S3Client, bucket: String, key: String) async -> Bool {
        guard let current = try? await client.get(bucket: bucket, key: key) else { return false }
        return (try? JSONDecoder().decode(Body.self, from: Data(current)))?.holder == holder
    }
}
