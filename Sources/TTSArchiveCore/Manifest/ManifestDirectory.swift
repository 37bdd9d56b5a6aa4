import Crypto
import Foundation

/// `HEAD.json`: the newest manifest of the chain.
public struct ManifestHead: Sendable, Codable, Hashable {
    public var runID: String
    public var file: String
    public var sha256: String

    enum CodingKeys: String, CodingKey { case file, sha256, runID = "run_id" }
}

/// The manifests folder: `<run_id>.json` per run and `HEAD.json`, each replaced atomically.
public struct ManifestDirectory: Sendable {
    public let path: String
    /// Set when the folder is a working copy of a published one (`--manifests s3://…`).
    public var publisher: (any ManifestPublisher)?

    public init(path: String, publisher: (any ManifestPublisher)? = nil) throws {
        self.path = path
        self.publisher = publisher
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.notWritable, path: path, detail: "cannot create the manifests directory")
        }
    }

    /// Where a file of this folder is, for people: under the published location when there is one.
    public func display(_ name: String) -> String {
        (publisher?.location ?? path) + "/" + name
    }

    /// The current head, if any manifest was written.
    public func head() throws -> ManifestHead? {
        guard let data = FileManager.default.contents(atPath: path + "/HEAD.json") else { return nil }
        do {
            return try JSONDecoder().decode(ManifestHead.self, from: data)
        } catch {
            throw TTSArchiveError(.unusableState, "\(path)/HEAD.json is unreadable; restore it from a backup or `ttsarchive verify` the chain")
        }
    }

    /// Reads a manifest by run id.
    public func manifest(runID: String) throws -> Manifest? {
        guard let data = FileManager.default.contents(atPath: "\(path)/\(runID).json") else { return nil }
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// Writes `manifest` (linking it to the current head) and moves HEAD to it. Returns the head.
    @discardableResult
    public func append(_ manifest: Manifest) throws -> ManifestHead {
        try appendLocally(manifest).head
    }

    private func appendLocally(_ manifest: Manifest) throws -> (head: ManifestHead, bytes: [UInt8], headBytes: [UInt8]) {
        let bytes = try manifest.encoded()
        let file = "\(manifest.runID).json"
        try POSIXFile.writeAtomically(bytes, to: "\(path)/\(file)")
        let head = ManifestHead(runID: manifest.runID, file: file, sha256: SHA256.hash(data: bytes).hexString)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let headBytes = Array(try encoder.encode(head)) + [0x0a]
        try POSIXFile.writeAtomically(headBytes, to: "\(path)/HEAD.json")
        return (head, bytes, headBytes)
    }

    /// ``append(_:)``, then publishes the manifest and (after it) HEAD, when there is a publisher.
    @discardableResult
    public func commit(_ manifest: Manifest) async throws -> ManifestHead {
        let written = try await Blocking.run { [self] in try appendLocally(manifest) }
        if let publisher {
            try await publisher.publish(written.head.file, bytes: written.bytes, replace: false)
            try await publisher.publish("HEAD.json", bytes: written.headBytes, replace: true)
        }
        return written.head
    }

    /// Writes a file outside the chain (a shard manifest, a merge marker) and publishes it.
    /// Returns its SHA-256.
    @discardableResult
    public func writeFile(_ name: String, bytes: [UInt8], replace: Bool = true) async throws -> String {
        let full = "\(path)/\(name)"
        try await Blocking.run {
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try POSIXFile.writeAtomically(bytes, to: full)
        }
        try await publisher?.publish(name, bytes: bytes, replace: replace)
        return SHA256.hash(data: bytes).hexString
    }

    /// Refreshes the working copy from the published folder (no-op without a publisher).
    public func pull() async throws {
        try await publisher?.pull(into: path)
    }
}
