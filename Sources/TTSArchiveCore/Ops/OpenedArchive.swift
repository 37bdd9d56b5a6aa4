import Crypto
import Foundation
import Logging
import TTSNative

/// Where an S3 store is and how to sign for it (`--s3-endpoint`, `--s3-region`, credentials
/// from the environment).
public struct S3Settings: Sendable {
    public var endpoint: String?
    public var region: String
    public var partSize: Int
    public var allowHTTP: Bool
    public var environment: [String: String]

    public init(endpoint: String?, region: String = "us-east-1", partSize: Int = 16 << 20, allowHTTP: Bool = false, environment: [String: String]) {
        self.endpoint = endpoint
        self.region = region
        self.partSize = partSize
        self.allowHTTP = allowHTTP
        self.environment = environment
    }
}

/// An archive and its manifests, opened on whichever backends `--archive` and `--manifests`
/// name (a local directory or `s3://BUCKET/PREFIX`), with the local state folder and lock that
/// go with them.
public struct OpenedArchive: Sendable {
    public let objects: any ObjectStore
    /// The manifests' local folder: the folder itself, or the working copy of an `s3://` one
    /// (already pulled). A local folder is not created until ``manifestDirectory()``.
    public let manifestsPath: String
    /// Publishes what is written to the working copy, for an `s3://` manifests location.
    public let manifestPublisher: (any ManifestPublisher)?
    /// Run state (journal, pending jobs, window history): always on local disk.
    public let stateDirectory: String
    let s3Root: S3Location?
    let s3Client: S3Client?
    /// True when `manifestsPath` is a temporary copy made for this command alone.
    let temporaryManifests: Bool
    /// The S3 lock's lease (`TTSARCHIVE_S3_LOCK_TTL` seconds, default 600): how long a killed
    /// holder blocks the next run. Short values are for tests.
    var s3LockTTL: TimeInterval = 600

    /// Removes a temporary working copy of `s3://` manifests (audits make a fresh one each time).
    public func discardTemporaryCopy() {
        if temporaryManifests { try? FileManager.default.removeItem(atPath: manifestsPath) }
    }

    /// The manifests folder for writing (created if missing).
    public func manifestDirectory() throws -> ManifestDirectory {
        try ManifestDirectory(path: manifestsPath, publisher: manifestPublisher)
    }

    /// A shard's (or the merge's) own state folder under this archive's.
    public func stateDirectory(for scope: String?) -> String {
        scope.map { stateDirectory + "/" + $0 } ?? stateDirectory
    }

    /// Takes the lock for `scope` (nil: the whole archive and its manifest chain, one writer at
    /// a time: `run` and `merge` both take it; `shards/G/shard-K-of-N`, whose runs write outside
    /// the chain): a lock file in the state folder for a local archive, a conditional-create
    /// object under `locks/` for an S3 one, so shards on different hosts exclude each other.
    public func lock(
        scope: String?, archive: String, command: String, wait: TimeInterval, breakLock: Bool,
        onWait: (@Sendable (LockStatus) -> Void)? = nil
    ) async throws -> RunLock {
        if let s3Root, let s3Client {
            let name = scope.map { $0.replacingOccurrences(of: "/", with: "-") } ?? "run"
            return .s3(try await S3Lock.acquire(
                name, in: s3Root, client: s3Client, command: command, ttl: s3LockTTL, wait: wait, breakLock: breakLock, onWait: onWait))
        }
        // A shard's or the merge's lock lives in the archive itself (`locks/`, which the store
        // ignores), not in a state folder: shards sharing a disk may each have their own --state.
        let folder = scope.map { archive + "/locks/" + $0.replacingOccurrences(of: "/", with: "-") }
        return .local(try await ArchiveLock.acquire(
            archive: archive, command: command, wait: wait, breakLock: breakLock, stateDirectory: folder, onWait: onWait))
    }

    /// Runs `body` holding the lock for `scope`, and releases it however `body` ends.
    public func withLock<T: Sendable>(
        scope: String?, archive: String, command: String, wait: TimeInterval, breakLock: Bool = false,
        _ body: () async throws -> T
    ) async throws -> T {
        let held = try await lock(scope: scope, archive: archive, command: command, wait: wait, breakLock: breakLock)
        do {
            let result = try await body()
            await held.release()
            return result
        } catch {
            await held.release()
            throw error
        }
    }

    /// Opens the archive. `create` makes a missing store (runs, `put`); `freshManifests` reads
    /// an `s3://` manifests folder into a new temporary working copy (audits must not trust an
    /// old local copy), else into `STATE/manifests`.
    public static func open(
        archive: String, manifests: String, stateDirectory: String?, s3: S3Settings, create: Bool, freshManifests: Bool = false,
        engine: @autoclosure () -> HTTPEngine, logger: Logger
    ) async throws -> OpenedArchive {
        let archiveS3 = try location(archive, flag: "--archive")
        let manifestsS3 = try location(manifests, flag: "--manifests")
        var client: S3Client?
        if archiveS3 != nil || manifestsS3 != nil {
            guard let endpointURL = s3.endpoint else {
                throw TTSArchiveError(.configuration, "an s3:// --archive or --manifests needs --s3-endpoint URL", fix: "pass --s3-endpoint, e.g. https://obs.cn-north-4.myhuaweicloud.com")
            }
            let endpoint = try Endpoint(endpointURL, allowHTTP: s3.allowHTTP)
            client = S3Client(endpoint: endpoint, region: s3.region, credentials: try S3Credentials.fromEnvironment(s3.environment), engine: engine(), logger: logger)
        }
        let objects: any ObjectStore
        let state: String
        if let archiveS3, let client {
            state = stateDirectory ?? defaultStateDirectory(for: "\(client.endpoint)/\(archiveS3)", environment: s3.environment)
            let spool = try POSIXFile.privateSpoolDirectory(environment: s3.environment, stateDirectory: state)
            objects = try await S3ObjectStore.open(archiveS3, client: client, create: create, partSize: s3.partSize, spoolDirectory: spool)
        } else {
            objects = try await IOPool.shared.run { try LocalObjectStore(root: archive, create: create) }
            state = stateDirectory ?? archive + "/state"
        }
        var manifestsPath = manifests
        var publisher: (any ManifestPublisher)?
        if let manifestsS3, let client {
            manifestsPath = freshManifests ? NSTemporaryDirectory() + "ttsarchive-manifests-\(UUID().uuidString)" : state + "/manifests"
            publisher = S3ManifestMirror(root: manifestsS3, client: client)
            try await ManifestDirectory(path: manifestsPath, publisher: publisher).pull()
        }
        var opened = OpenedArchive(
            objects: objects, manifestsPath: manifestsPath, manifestPublisher: publisher, stateDirectory: state, s3Root: archiveS3,
            s3Client: client, temporaryManifests: freshManifests && publisher != nil)
        if let ttl = s3.environment["TTSARCHIVE_S3_LOCK_TTL"].flatMap(TimeInterval.init), ttl > 0 { opened.s3LockTTL = ttl }
        return opened
    }

    static func location(_ text: String, flag: String) throws -> S3Location? {
        guard S3Location.looksLikeS3(text) else { return nil }
        guard let location = S3Location(text) else {
            throw TTSArchiveError(.configuration, "\(flag) '\(text)' is not s3://BUCKET[/PREFIX]", fix: "a bucket name is 3–63 of a-z 0-9 . -")
        }
        return location
    }

    /// `$XDG_STATE_HOME/ttsarchive/<hash>` (else `~/.local/state/…`): one state folder per S3
    /// archive, named by a digest of its endpoint and location.
    static func defaultStateDirectory(for identity: String, environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/ttsarchive/s3-" + String(SHA256.hash(data: Array(identity.utf8)).hexString.prefix(16))
    }
}

/// The lock a run holds: a local lock file or an object-store lock.
public enum RunLock: Sendable {
    case local(ArchiveLock)
    case s3(S3Lock)

    /// The lock that was taken over (stale or broken), if any.
    public var replaced: LockStatus? {
        switch self {
        case .local(let lock): return lock.replaced
        case .s3(let lock): return lock.replaced
        }
    }

    /// Why the lock was lost while held (an S3 lease taken over or not renewable), else nil.
    public var lostReason: String? {
        if case .s3(let lock) = self { return lock.lostReason }
        return nil
    }

    /// Runs `handler` once if the lock is lost while held (a local flock cannot be).
    public func onLost(_ handler: @escaping @Sendable (String) -> Void) {
        if case .s3(let lock) = self { lock.onLost(handler) }
    }

    /// Lets the next run in.
    public func release() async {
        switch self {
        case .local(let lock): lock.release()
        case .s3(let lock): await lock.release()
        }
    }
}
