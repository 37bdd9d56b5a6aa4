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

    /// What a new manifest links back to: HEAD's manifest, or newer manifests that continue it
    /// but never became HEAD (a run killed between writing its manifest and moving HEAD).
    /// Linking to those keeps every written manifest on the chain; run ids sort by time, and a
    /// file is adopted only when it links to the tip found so far.
    public func chainTip() throws -> ManifestLink? {
        let head = try head()
        var tip = head.map { ManifestLink(runID: $0.runID, sha256: $0.sha256) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let newer = names.filter { $0.hasSuffix(".json") && $0 != "HEAD.json" }.map { String($0.dropLast(5)) }
            .filter { runID in head.map { runID > $0.runID } ?? true }.sorted()
        for runID in newer {
            guard let bytes = FileManager.default.contents(atPath: "\(path)/\(runID).json"),
                  let back = try? JSONDecoder().decode(BackLink.self, from: bytes),
                  back.runID == runID, back.previousManifest == tip else { continue }
            tip = ManifestLink(runID: runID, sha256: SHA256.hash(data: bytes).hexString)
        }
        return tip
    }

    /// The two fields of a manifest that place it on the chain.
    private struct BackLink: Decodable {
        var runID: String
        var previousManifest: ManifestLink?

        enum CodingKeys: String, CodingKey { case runID = "run_id", previousManifest = "previous_manifest" }
    }

    /// Reads a manifest by run id.
    public func manifest(runID: String) throws -> Manifest? {
        guard let data = FileManager.default.contents(atPath: "\(path)/\(runID).json") else { return nil }
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// Writes `manifest` (linking it to the current head) and moves HEAD to it. Returns the head.
    @discardableResult
    public func append(_ manifest: Manifest) throws -> ManifestHead {
        try append(manifest, jobs: manifest.jobs)
    }

    /// Writes `manifest` with `jobs` as its jobs (the value's own are ignored), streamed to the
    /// file and hashed on the way, then moves HEAD to it. Blocking. Returns the head.
    @discardableResult
    public func append(_ manifest: Manifest, jobs: some ManifestJobSource) throws -> ManifestHead {
        let file = "\(manifest.runID).json"
        var hash = SHA256()
        try POSIXFile.writeAtomically(to: "\(path)/\(file)") { write in
            try manifest.stream(jobs: jobs) { piece in
                piece.withUnsafeBytes { hash.update(bufferPointer: $0) }
                try write(piece)
            }
        }
        let head = ManifestHead(runID: manifest.runID, file: file, sha256: hash.finalize().hexString)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try POSIXFile.writeAtomically(Array(try encoder.encode(head)) + [0x0a], to: "\(path)/HEAD.json")
        return head
    }
}
