/// One thing wrong with the manifests, their chain, or an object they name, named precisely
/// enough that an auditor can find it without ttsarchive.
public struct ManifestProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kinds of damage manifest verification reports. The raw values are the `kind` strings
    /// of `verify --json`, so they must never change.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        // The manifests and their chain.
        /// The file is not JSON, or cannot be read.
        case unreadable
        /// The JSON does not match `ttsarchive.manifest/v1` (a key missing, a wrong type or value).
        case schema
        /// The manifest contradicts itself (counts that do not add up, duplicate artifacts).
        case inconsistent
        /// The file's SHA-256 differs from the digest the next manifest's link (or HEAD) records.
        case edited
        /// A link (or HEAD) names a manifest that is not in the folder.
        case missingManifest = "missing_manifest"
        /// The file holds another run's manifest (its `run_id` is not its name).
        case renamed
        /// A manifest's predecessor finished after it did.
        case outOfOrder = "out_of_order"
        /// Following the links comes back to a manifest already seen.
        case cycle
        /// A manifest in the folder that the chain from HEAD never reaches.
        case unreachable
        /// `HEAD.json` is missing, unreadable or names no usable file.
        case head
        /// HEAD's digest is not the one the operator expected (`--expect-head`).
        case headMismatch = "head_mismatch"
        // The objects.
        /// An object a manifest names is not in the store.
        case missing
        /// The object's gzip stream is damaged or its content does not hash to its name.
        case corrupt
        /// The object's gzip stream ends early.
        case truncated
        /// The object's original size differs from the manifest's `size`.
        case wrongSize = "wrong_size"
        /// The `.gz` file's size or SHA-256 differs from the manifest's `stored_size` / `stored_sha256`.
        case storedMismatch = "stored_mismatch"
        /// A file in the store that is not an object.
        case stray
    }

    public var kind: Kind
    /// The file at fault: a manifest (as `--manifests` spells the folder) or an object path
    /// relative to the archive (`sha256/ab/ab….gz`).
    public var path: String
    /// What is wrong, with both sides of any comparison.
    public var detail: String
    /// For object problems: which manifest entries name the object (at most a few; the count
    /// of the rest is in `detail`).
    public var references: [ObjectReference]

    /// A problem of `kind` with the file at `path`.
    public init(kind: Kind, path: String, detail: String, references: [ObjectReference] = []) {
        self.kind = kind
        self.path = path
        self.detail = detail
        self.references = references
    }

    public var description: String { "\(kind.rawValue)  \(path)  \(detail)" }

    /// Problems in a stable order: by path, then kind, then detail.
    public static func sorted(_ problems: [ManifestProblem]) -> [ManifestProblem] {
        problems.sorted { ($0.path, $0.kind.rawValue, $0.detail) < ($1.path, $1.kind.rawValue, $1.detail) }
    }
}

/// Where a manifest names an object: the manifest file, the job and the artifact.
public struct ObjectReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The manifest's file name (`<run_id>.json`).
    public var manifest: String
    public var jobID: String
    public var kind: ArtifactKind
    public var fileIndex: Int

    /// The entry for `kind[fileIndex]` of job `jobID` in `manifest`.
    public init(manifest: String, jobID: String, kind: ArtifactKind, fileIndex: Int) {
        self.manifest = manifest
        self.jobID = jobID
        self.kind = kind
        self.fileIndex = fileIndex
    }

    enum CodingKeys: String, CodingKey {
        case manifest, kind
        case jobID = "job_id", fileIndex = "file_index"
    }

    public var description: String { "\(manifest) job \(jobID) \(kind.rawValue)[\(fileIndex)]" }
}
