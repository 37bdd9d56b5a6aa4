import Foundation
import TTSNative

/// A lock in the object store: `PREFIX/locks/<name>.json`, so of two runs that race for it
/// exactly one wins, on any host. Every change is a conditional request the store decides:
/// - taken with `If-None-Match: *` (create only if absent);
/// - renewed, taken over (expired, or `--break-lock`) and released with `If-Match: <ETag>`
///   of the version last seen, so a holder and a rival, or two rivals, never both win, and a
///   holder never renews or deletes a lock someone else took over meanwhile.
///
/// Expiry is judged by the store's clock alone: a lock is expired when the `Date` of the
/// answer that read it is past its `Last-Modified` plus the holder's `ttl_seconds`. A GET that
/// fails says nothing (never "expired"): the caller waits and asks again.
///
/// The holder renews every third of `ttl` (default 10 minutes), retrying a failed renewal
/// with backoff; when the lease is truly lost (taken over, or not renewed for a whole `ttl`),
/// ``lostReason`` says why and the `onLost` handler runs, so the run can stop (exit 4) before
/// it writes anything that needs the lock. A store that ignores `If-Match` (see README) gets
/// the create-only guarantee and nothing more for takeovers.
public final class S3Lock: Sendable {
    /// The lock's body. `expires_at` is for people (the holder's clock); `ttl_seconds` is what
    /// readers judge expiry with, against the store's clock.
    struct Body: Codable {
        var holder: LockHolder
        var expiresAt: String
        var ttlSeconds: Double?
        /// Unique to one acquisition: host, pid, command and a start time to the second do not
        /// tell two acquisitions by one process apart, and only its own create may be reclaimed.
        var token: String? = nil
        enum CodingKeys: String, CodingKey { case holder, token, expiresAt = "expires_at", ttlSeconds = "ttl_seconds" }
    }

    let client: S3Client
    let bucket: String
    let key: String
    let holder: LockHolder
    let token: String
    let ttl: TimeInterval
    /// The lock that was taken over because it had expired (or `--break-lock`), if any.
    public let replaced: LockStatus?
    private let heartbeat = Locked<Task<Void, Never>?>(nil)
    /// The ETag of the version this holder wrote last.
    private let etag: Locked<String>
    private let lost = Locked<String?>(nil)
    private let lostHandler = Locked<(@Sendable (String) -> Void)?>(nil)

    private init(
        client: S3Client, bucket: String, key: String, holder: LockHolder, token: String, ttl: TimeInterval, etag: String, replaced: LockStatus?
    ) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.holder = holder
        self.token = token
        self.ttl = ttl
        self.etag = Locked(etag)
        self.replaced = replaced
    }

    /// Why the lease was lost, once it was (nil while it is held).
    public var lostReason: String? { lost.withLock { $0 } }

    /// Runs `handler` (once) when the lease is lost; at once if it already was.
    public func onLost(_ handler: @escaping @Sendable (String) -> Void) {
        let already: String? = lostHandler.withLock { slot in
            if let reason = lost.withLock({ $0 }) { return reason }
            slot = handler
            return nil
        }
        if let already { handler(already) }
    }

    private func markLost(_ reason: String) {
        let first = lost.withLock { current -> Bool in
            guard current == nil else { return false }
            current = reason
            return true
        }
        guard first else { return }
        lostHandler.withLock { $0 }?(reason)
    }

    private func startHeartbeat() -> S3Lock {
        let task = Task { [self] in
            var renewed = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(0.5, ttl / 3)))
                if Task.isCancelled { break }
                guard let reason = await renew(since: &renewed) else { continue }
                markLost(reason)
                break
            }
        }
        heartbeat.withLock { $0 = task }
        return self
    }

    /// One renewal, retried with backoff until it succeeds or the lease may have lapsed. Nil on
    /// success, else why the lease is lost. `since` is when the last successful renewal was sent
    /// (a local monotonic clock: the store stamped it no earlier, so this errs on the safe side).
    private func renew(since renewed: inout ContinuousClock.Instant) async -> String? {
        var pause = 0.25
        while !Task.isCancelled {
            let sent = ContinuousClock.now
            do {
                let body = try Self.encode(holder, token: token, ttl: ttl)
                switch try await client.put(bucket: bucket, key: key, body: body, contentType: "application/json", ifMatch: etag.withLock { $0 }) {
                case .swapped(let newTag):
                    etag.withLock { $0 = newTag }
                    renewed = sent
                    return nil
                case .preconditionFailed:
                    // Our own earlier attempt may have landed with its answer lost: still ours?
                    if let current = try await client.getVersioned(bucket: bucket, key: key),
                       (try? JSONDecoder().decode(Body.self, from: Data(current.body)))?.token == token {
                        etag.withLock { $0 = current.etag }
                        continue
                    }
                    return "the lock s3://\(bucket)/\(key) was taken over by another run"
                }
            } catch {
                let left = ttl - (ContinuousClock.now - renewed).seconds
                if left <= pause {
                    return "the lock s3://\(bucket)/\(key) could not be renewed for its whole lease of \(Durations.text(ttl)) (\(error))"
                }
                try? await Task.sleep(for: .seconds(pause))
                pause = min(pause * 2, max(0.5, ttl / 6))
            }
        }
        return nil
    }

    static func encode(_ holder: LockHolder, token: String, ttl: TimeInterval) throws -> [UInt8] {
        Array(try JSONEncoder().encode(
            Body(holder: holder, expiresAt: Timestamp.format(Date().addingTimeInterval(ttl)), ttlSeconds: ttl, token: token)))
    }

    /// True when `found` is past its lease by the store's clock (`Date` against `Last-Modified`
    /// plus the holder's ttl). Without those headers, the body's `expires_at` against `localNow`.
    static func expired(_ found: S3VersionedObject, body: Body?, localNow: Date) -> Bool {
        guard let body else { return false }  // not our format: only --break-lock replaces it
        if let ttl = body.ttlSeconds, let written = found.lastModified, let now = found.serverDate {
            return now > written.addingTimeInterval(ttl)
        }
        return Timestamp.parse(body.expiresAt).map { $0 < localNow } ?? true
    }

    /// What a reader makes of a lock it found: who holds it, since when, and whether its lease
    /// is over by the store's clock (then `alive` is false; a live lease's holder is unknowable).
    static func describe(_ found: S3VersionedObject, body: Body?, path: String, localNow: Date) -> (LockStatus, expired: Bool) {
        let expired = expired(found, body: body, localNow: localNow)
        let status = LockStatus(
            holder: body?.holder, path: path, ageSeconds: body?.holder.age(now: found.serverDate ?? localNow),
            sameHost: body?.holder.host == ArchiveLock.localHost(), alive: expired ? false : nil)
        return (status, expired)
    }

    /// Reads `locks/<name>.json` under `root` without taking it, for `status`: nil when free.
    public static func inspect(_ name: String, in root: S3Location, client: S3Client) async throws -> LockStatus? {
        let key = root.key("locks/\(name).json")
        guard let found = try await client.getVersioned(bucket: root.bucket, key: key) else { return nil }
        let body = try? JSONDecoder().decode(Body.self, from: Data(found.body))
        return describe(found, body: body, path: "s3://\(root.bucket)/\(key)", localNow: Date()).0
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
        let holder = LockHolder(host: ArchiveLock.localHost(), pid: getpid(), startedAt: Timestamp.format(Date()), command: command)
        let token = UUID().uuidString
        func taken(_ etag: String, replaced: LockStatus?) -> S3Lock {
            S3Lock(client: client, bucket: root.bucket, key: key, holder: holder, token: token, ttl: ttl, etag: etag, replaced: replaced)
                .startHeartbeat()
        }
        while true {
            let body = try encode(holder, token: token, ttl: ttl)
            if case .created(let etag) = try await client.put(bucket: root.bucket, key: key, body: body, contentType: "application/json", ifAbsent: true) {
                return taken(etag, replaced: nil)
            }
            let found: S3VersionedObject?
            do {
                found = try await client.getVersioned(bucket: root.bucket, key: key)
            } catch {
                // Unknown is not expired: wait and look again.
                try await patience.holdOn(LockStatus(holder: nil, path: display, ageSeconds: nil, sameHost: false, alive: nil))
                continue
            }
            guard let found else { continue }  // released meanwhile: race for it again
            let current = try? JSONDecoder().decode(Body.self, from: Data(found.body))
            // Our own create landed but its answer was lost (a retried request saw 412).
            if current?.token == token { return taken(found.etag, replaced: nil) }
            let (status, expired) = Self.describe(found, body: current, path: display, localNow: Date())
            if expired || breakLock {
                // Replace exactly the version we judged: a rival that renewed or took it first
                // makes this a 412, and we look again.
                if case .swapped(let etag) = try await client.put(
                    bucket: root.bucket, key: key, body: body, contentType: "application/json", ifMatch: found.etag) {
                    return taken(etag, replaced: status)
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

    /// Releases the lock if it is still ours: a DELETE conditioned on the ETag we wrote last, so
    /// a successor's lock is never removed.
    public func release() async {
        abandon()
        _ = try? await client.delete(bucket: bucket, key: key, ifMatch: etag.withLock { $0 })
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
