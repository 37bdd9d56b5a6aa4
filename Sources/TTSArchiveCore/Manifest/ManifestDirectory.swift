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
            throw TTSArchiveError(.unusableState, "HEAD.json is unreadable", path: "\(path)/HEAD.json", fix: "restore it from a backup or `ttsarchive verify` the chain")
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
        let sha256 = try writeStreamed(manifest, jobs: jobs, to: file)
        let head = ManifestHead(runID: manifest.runID, file: file, sha256: sha256)
        try POSIXFile.writeAtomically(try Self.headBytes(head), to: "\(path)/HEAD.json")
        return head
    }

    static func headBytes(_ head: ManifestHead) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(head)) + [0x0a]
    }

    /// Streams `manifest` with `jobs` into `name` (atomically, parent folders created); returns
    /// the SHA-256 of the bytes written. Blocking.
    private func writeStreamed(_ manifest: Manifest, jobs: some ManifestJobSource, to name: String) throws -> String {
        let full = "\(path)/\(name)"
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var hash = SHA256()
        try POSIXFile.writeAtomically(to: full) { write in
            try manifest.stream(jobs: jobs) { piece in
                piece.withUnsafeBytes { hash.update(bufferPointer: $0) }
                try write(piece)
            }
        }
        return hash.finalize().hexString
    }

    /// ``append(_:jobs:)`` off the cooperative pool. With a publisher, the order is what keeps
    /// every HEAD pointing at a manifest that exists durably: the manifest is written locally
    /// (fsynced), published, then the published HEAD is moved by compare-and-swap against the
    /// HEAD this writer linked from (``ManifestPublisher/publishHead(_:replacing:)``), and only
    /// then the local HEAD. A failure anywhere leaves both HEADs where they were; the manifest
    /// file left behind is adopted by the next writer's ``chainTip()``.
    @discardableResult
    public func commit(_ manifest: Manifest, jobs: some ManifestJobSource & Sendable) async throws -> ManifestHead {
        guard let publisher else {
            return try await IOPool.shared.run { [self] in try append(manifest, jobs: jobs) }
        }
        let file = "\(manifest.runID).json"
        let sha256 = try await IOPool.shared.run { [self] in try writeStreamed(manifest, jobs: jobs, to: file) }
        let head = ManifestHead(runID: manifest.runID, file: file, sha256: sha256)
        let (bytes, headBytes, linkedFrom) = try await IOPool.shared.run { [self] in
            try (readBack(file), Self.headBytes(head), FileManager.default.contents(atPath: path + "/HEAD.json").map { Array($0) })
        }
        try await publisher.publish(file, bytes: bytes, replace: false)
        try await publisher.publishHead(headBytes, replacing: linkedFrom)
        try await IOPool.shared.run { [self] in try POSIXFile.writeAtomically(headBytes, to: "\(path)/HEAD.json") }
        return head
    }

    /// ``commit(_:jobs:)`` with the manifest's own jobs (a merged night's).
    @discardableResult
    public func commit(_ manifest: Manifest) async throws -> ManifestHead {
        try await commit(manifest, jobs: manifest.jobs)
    }

    /// Writes a manifest outside the chain (a shard's, HEAD unmoved), streamed like a run's,
    /// and publishes it. Returns where it is and its digest.
    public func writeOutsideChain(_ manifest: Manifest, jobs: some ManifestJobSource & Sendable, as name: String) async throws -> ManifestHead {
        let sha256 = try await IOPool.shared.run { [self] in try writeStreamed(manifest, jobs: jobs, to: name) }
        if let publisher {
            let bytes = try await IOPool.shared.run { [self] in try readBack(name) }
            try await publisher.publish(name, bytes: bytes, replace: true)
        }
        return ManifestHead(runID: manifest.runID, file: name, sha256: sha256)
    }

    private func readBack(_ name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: "\(path)/\(name)") else {
            throw TTSArchiveError(.unusableState, "the manifest vanished right after it was written", path: "\(path)/\(name)", fix: "check what else writes to the manifests folder, then run again")
        }
        return Array(data)
    }

    /// Writes a file outside the chain (a shard manifest, a merge marker) and publishes it.
    /// Returns its SHA-256.
    @discardableResult
    public func writeFile(_ name: String, bytes: [UInt8], replace: Bool = true) async throws -> String {
        let full = "\(path)/\(name)"
        try await IOPool.shared.run {
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
