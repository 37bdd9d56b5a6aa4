/// Where a manifests folder is published beyond the local disk (an `s3://` manifests
/// location). The local folder stays the working copy every reader uses; the publisher is told
/// of each file after it is durable there, manifests before the HEAD that names them.
public protocol ManifestPublisher: Sendable {
    /// The published folder, for messages (`s3://bucket/prefix`).
    var location: String { get }
    /// Publishes `name` (a path relative to the folder). `replace` is false for manifests,
    /// which are immutable once written, and true for `HEAD.json` and shard manifests.
    func publish(_ name: String, bytes: [UInt8], replace: Bool) async throws
    /// Refreshes the local copy from the published one (before reading or appending).
    func pull(into directory: String) async throws
    /// Publishes `HEAD.json` only if the published one is still `expected` (nil: none yet): a
    /// compare-and-swap, so two writers that started from the same head cannot both move it
    /// and fork the chain. Throws when it moved.
    func publishHead(_ bytes: [UInt8], replacing expected: [UInt8]?) async throws
}

extension ManifestPublisher {
    /// Without a conditional write: replaces HEAD (the lock is the only guard).
    public func publishHead(_ bytes: [UInt8], replacing expected: [UInt8]?) async throws {
        try await publish("HEAD.json", bytes: bytes, replace: true)
    }
}
