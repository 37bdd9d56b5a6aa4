/// What the manifests say about each object they name, gathered while they are read, so each
/// object is read once however many jobs and runs name it.
///
/// Entries that agree (same size, stored size and stored digest) share one record holding the
/// first few references and a count, which keeps memory small for objects shared by many jobs.
public struct ObjectExpectations: Sendable {
    /// The sizes a manifest entry records for an object.
    public struct Claim: Sendable, Hashable {
        public var size: Int64
        public var storedSize: Int64
        public var storedSHA256: String
    }

    /// The entries making one claim: the first few, and how many in all.
    struct Group: Sendable {
        var references: [ObjectReference] = []
        var count = 0
    }

    /// References kept per claim for messages; the rest are counted.
    static let referencesKept = 3

    private var claims: [ContentDigest: [Claim: Group]] = [:]
    /// Manifest entries recorded.
    public private(set) var entries = 0

    /// No expectations yet.
    public init() {}

    /// Every digest named, in a stable order.
    public var digests: [ContentDigest] { claims.keys.sorted() }

    /// Records that `reference` names `digest` with `claim`.
    public mutating func record(_ digest: ContentDigest, _ claim: Claim, by reference: ObjectReference) {
        entries += 1
        var group = claims[digest, default: [:]][claim, default: Group()]
        group.count += 1
        if group.references.count < Self.referencesKept { group.references.append(reference) }
        claims[digest, default: [:]][claim] = group
    }

    /// True when some manifest names `digest`.
    public func names(_ digest: ContentDigest) -> Bool { claims[digest] != nil }

    /// The problems for `digest` given what reading it found.
    public func problems(for digest: ContentDigest, _ result: Result<ObjectFacts, ObjectDamage>) -> [ManifestProblem] {
        let groups = (claims[digest] ?? [:]).sorted { ($0.value.references.first?.description ?? "") < ($1.value.references.first?.description ?? "") }
        switch result {
        case .failure(let damage):
            // One problem per damaged object, however many entries name it.
            let references = groups.flatMap(\.value.references)
            let total = groups.reduce(0) { $0 + $1.value.count }
            return [ManifestProblem(kind: damage.kind, path: digest.objectPath, detail: damage.detail + Self.namedBy(references, total: total), references: Array(references.prefix(Self.referencesKept)))]
        case .success(let facts):
            var problems: [ManifestProblem] = []
            for (claim, group) in groups {
                let named = Self.namedBy(group.references, total: group.count)
                if !facts.sizeMatches(claim.size) {
                    problems.append(ManifestProblem(
                        kind: .wrongSize, path: digest.objectPath,
                        detail: "original size is \(facts.sizeDescription) but the manifest says \(claim.size)\(named)",
                        references: group.references))
                }
                var stored: [String] = []
                if facts.storedSize != claim.storedSize {
                    stored.append("stored size is \(facts.storedSize) but the manifest says \(claim.storedSize)")
                }
                if let sha = facts.storedSHA256, sha != claim.storedSHA256 {
                    stored.append("stored sha256 is \(sha) but the manifest says \(claim.storedSHA256)")
                }
                if !stored.isEmpty {
                    problems.append(ManifestProblem(
                        kind: .storedMismatch, path: digest.objectPath, detail: stored.joined(separator: "; ") + named,
                        references: group.references))
                }
            }
            return problems
        }
    }

    /// ` (named by X.json job J audio[0], … and N more)`, or nothing for an unnamed object.
    static func namedBy(_ references: [ObjectReference], total: Int) -> String {
        guard !references.isEmpty else { return "" }
        let shown = references.prefix(referencesKept).map(\.description).joined(separator: ", ")
        let more = total > min(references.count, referencesKept) ? " and \(total - min(references.count, referencesKept)) more" : ""
        return " (named by \(shown)\(more))"
    }
}
