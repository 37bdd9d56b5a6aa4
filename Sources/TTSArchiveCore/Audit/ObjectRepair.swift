import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `verify --repair`: every damaged object is moved aside into `archive/quarantine/` (nothing
/// is ever deleted: an auditor may want the bytes), and every artifact a manifest points at it
/// with, like every artifact whose object is missing, becomes owed work (``OwedWork``), so the
/// next `run` fetches it again while its job is still on the cloud. Blocking.
public struct ObjectRepair: Sendable {
    /// One object dealt with.
    public struct Repaired: Sendable, Codable, Hashable {
        /// The object's path in the store (`sha256/ab/ab….gz`).
        public var object: String
        /// Where it now is, relative to the archive; nil when it was missing (nothing to move).
        public var quarantinedAs: String?
        /// The artifacts that pointed to it, now owed.
        public var owed: [ObjectReference]

        enum CodingKeys: String, CodingKey { case object, owed, quarantinedAs = "quarantined_as" }
    }

    public let store: LocalObjectStore
    public let manifestsPath: String?
    public let stateDirectory: String

    public init(store: LocalObjectStore, manifestsPath: String?, stateDirectory: String) {
        self.store = store
        self.manifestsPath = manifestsPath
        self.stateDirectory = stateDirectory
    }

    /// Problem kinds that say an object's bytes cannot be trusted, or are not there.
    static let repairable: Set<ManifestProblem.Kind> = [.corrupt, .truncated, .wrongSize, .storedMismatch, .missing]

    /// Quarantines the objects `problems` name and records their artifacts as owed.
    public func repair(_ problems: [ManifestProblem], now: Date = Date()) throws -> [Repaired] {
        var kinds: [String: ManifestProblem.Kind] = [:]
        for problem in problems where Self.repairable.contains(problem.kind) && ContentDigest(objectPath: problem.path) != nil {
            // A missing object and a damaged one are different repairs; damage wins.
            if kinds[problem.path] == nil || kinds[problem.path] == .missing { kinds[problem.path] = problem.kind }
        }
        guard !kinds.isEmpty else { return [] }
        let references = try self.references(to: Set(kinds.keys))
        var repaired: [Repaired] = []
        var owed: [OwedWork.Entry] = []
        let stamp = Timestamp.format(now)
        for (object, kind) in kinds.sorted(by: { $0.key < $1.key }) {
            let moved = kind == .missing ? nil : try quarantine(object, now: now)
            let refs = references[object] ?? []
            let reason = kind == .missing
                ? "verify --repair: object \(object) is missing from the store"
                : "verify --repair: object \(object) was \(kind.rawValue) and is quarantined as \(moved ?? "?")"
            owed += refs.map { OwedWork.Entry(jobID: $0.jobID, kind: $0.kind, fileIndex: $0.fileIndex, owedSince: stamp, reason: reason) }
            repaired.append(Repaired(object: object, quarantinedAs: moved, owed: refs))
        }
        var work = try OwedWork.load(stateDirectory)
        work.add(owed)
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        try work.save(stateDirectory)
        return repaired
    }

    /// Moves one object aside with the store's own quarantine (one layout for `verify --repair`
    /// and for writers that find a damaged duplicate); returns its new path relative to the archive.
    func quarantine(_ object: String, now: Date) throws -> String? {
        guard let digest = ContentDigest(objectPath: object),
            FileManager.default.fileExists(atPath: store.root + "/" + object)
        else { return nil }
        let moved = try store.quarantine(digest, now: now)
        return moved.hasPrefix(store.root + "/") ? String(moved.dropFirst(store.root.count + 1)) : moved
    }

    /// Every manifest entry naming one of `objects`, read from every manifest of the folder.
    func references(to objects: Set<String>) throws -> [String: [ObjectReference]] {
        guard let manifestsPath else { return [:] }
        var found: [String: [ObjectReference]] = [:]
        ManifestArtifactScan(manifestsPath: manifestsPath).entries(naming: objects) { entry in
            found[entry.object, default: []].append(entry.reference)
        }
        return found
    }
}
