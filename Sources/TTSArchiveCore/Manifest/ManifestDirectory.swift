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

    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.notWritable, path: path, detail: "cannot create the manifests directory")
        }
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
        let bytes = try manifest.encoded()
        let file = "\(manifest.runID).json"
        try POSIXFile.writeAtomically(bytes, to: "\(path)/\(file)")
        let head = ManifestHead(runID: manifest.runID, file: file, sha256: SHA256.hash(data: bytes).hexString)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try POSIXFile.writeAtomically(Array(try encoder.encode(head)) + [0x0a], to: "\(path)/HEAD.json")
        return head
    }
}
