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
}
