import Foundation

/// Publishes a manifests folder to `s3://BUCKET/PREFIX` and refreshes local working copies
/// from it, so every host of a sharded night reads and extends one hash chain.
///
/// Manifests are immutable: they are created with `If-None-Match: *` and a pull fetches only
/// the ones the working copy lacks. `HEAD.json` and shard manifests are replaced; a pull
/// always fetches them anew. The keys are the folder's own relative paths, so the prefix can
/// be copied with any S3 tool and read as a manifests folder.
public struct S3ManifestMirror: ManifestPublisher {
    public let root: S3Location
    public let client: S3Client

    public var location: String { root.description }

    public init(root: S3Location, client: S3Client) {
        self.root = root
        self.client = client
    }

    public func publish(_ name: String, bytes: [UInt8], replace: Bool) async throws {
        let outcome = try await client.put(
            bucket: root.bucket, key: root.key(name), body: bytes, contentType: "application/json", ifAbsent: !replace)
        if outcome == .alreadyExists {
            // The same run id written twice would be a bug; a different body under it is a
            // chain fork that must not be papered over.
            let existing = try await client.get(bucket: root.bucket, key: root.key(name))
            guard existing == bytes else {
                throw TTSArchiveError(.unusableState, "already exists with other content", path: "s3://\(root.bucket)/\(root.key(name))", fix: "run `ttsarchive verify`")
            }
        }
    }

    /// `HEAD.json` moves by compare-and-swap: created with `If-None-Match: *` when there was
    /// none, else replaced with `If-Match` on the ETag of a version whose bytes are the ones this
    /// writer linked from. Another writer's head in between is refused, never overwritten.
    public func publishHead(_ bytes: [UInt8], replacing expected: [UInt8]?) async throws {
        let key = root.key("HEAD.json")
        let moved = TTSArchiveError(
            .unusableState,
            "the manifest chain moved while this run wrote its manifest (another writer appended); its HEAD was left as it is", path: "\(root)", fix: "run `ttsarchive verify`, then run again")
        let current = try await client.getVersioned(bucket: root.bucket, key: key)
        switch (current, expected) {
        case (nil, nil):
            if try await client.put(bucket: root.bucket, key: key, body: bytes, contentType: "application/json", ifAbsent: true) == .alreadyExists {
                throw moved
            }
        case (let current?, let expected?) where current.body == expected:
            if try await client.put(bucket: root.bucket, key: key, body: bytes, contentType: "application/json", ifMatch: current.etag)
                == .preconditionFailed {
                throw moved
            }
        case (let current?, _) where current.body == bytes:
            return  // our own earlier attempt landed
        default:
            throw moved
        }
    }

    public func pull(into directory: String) async throws {
        let prefix = root.prefix.isEmpty ? "" : root.prefix + "/"
        let listed = try await client.list(bucket: root.bucket, prefix: prefix)
        for object in listed {
            let name = String(object.key.dropFirst(prefix.count))
            // Only plain relative names: a key is data, never a path that could leave the folder.
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            guard name.hasSuffix(".json"), !parts.isEmpty, parts.allSatisfy({ SafePathComponent.isPlain(String($0)) }) else { continue }
            let local = directory + "/" + name
            let mutable = name == "HEAD.json" || name.hasPrefix("shards/")
            if !mutable, try await IOPool.shared.run({ POSIXFile.size(of: local) }) == object.size { continue }
            let bytes = try await client.get(bucket: root.bucket, key: object.key)
            try await IOPool.shared.run {
                try FileManager.default.createDirectory(atPath: (local as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try POSIXFile.writeAtomically(bytes, to: local)
            }
        }
    }
}
