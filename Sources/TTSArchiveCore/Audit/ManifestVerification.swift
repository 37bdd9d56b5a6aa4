/// The outcome of verifying manifests, their chain and the objects they name (and, by default,
/// the whole store). Encodes as `verify --json` prints it.
public struct ManifestVerification: Sendable, Codable {
    /// HEAD as found, if it could be read.
    public var head: ManifestHead?
    /// The chain from HEAD back to its first manifest, as file names, newest first.
    public var chain: [String] = []
    /// Manifest files read (in the chain or not).
    public var manifestsChecked = 0
    /// Artifact entries the manifests hold.
    public var artifactsChecked = 0
    /// Distinct objects read.
    public var objectsChecked = 0
    /// Original bytes decompressed and re-hashed (0 in quick mode).
    public var bytesChecked: Int64 = 0
    /// True when objects were checked for presence and sizes only.
    public var quick = false
    /// True when every file of the store was checked, not only the ones manifests name.
    public var storeChecked = false
    /// Everything wrong, in a stable order.
    public var problems: [ManifestProblem] = []

    /// True when nothing is wrong.
    public var isClean: Bool { problems.isEmpty }

    /// An empty, clean report.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case head, chain, quick, problems
        case manifestsChecked = "manifests_checked", artifactsChecked = "artifacts_checked"
        case objectsChecked = "objects_checked", bytesChecked = "bytes_checked", storeChecked = "store_checked"
        case clean
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        head = try c.decodeIfPresent(ManifestHead.self, forKey: .head)
        chain = try c.decode([String].self, forKey: .chain)
        manifestsChecked = try c.decode(Int.self, forKey: .manifestsChecked)
        artifactsChecked = try c.decode(Int.self, forKey: .artifactsChecked)
        objectsChecked = try c.decode(Int.self, forKey: .objectsChecked)
        bytesChecked = try c.decode(Int64.self, forKey: .bytesChecked)
        quick = try c.decode(Bool.self, forKey: .quick)
        storeChecked = try c.decode(Bool.self, forKey: .storeChecked)
        problems = try c.decode([ManifestProblem].self, forKey: .problems)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(isClean, forKey: .clean)
        try c.encode(head, forKey: .head)
        try c.encode(chain, forKey: .chain)
        try c.encode(manifestsChecked, forKey: .manifestsChecked)
        try c.encode(artifactsChecked, forKey: .artifactsChecked)
        try c.encode(objectsChecked, forKey: .objectsChecked)
        try c.encode(bytesChecked, forKey: .bytesChecked)
        try c.encode(quick, forKey: .quick)
        try c.encode(storeChecked, forKey: .storeChecked)
        try c.encode(problems, forKey: .problems)
    }

    /// The problems of one kind.
    public func problems(_ kind: ManifestProblem.Kind) -> [ManifestProblem] { problems.filter { $0.kind == kind } }
}
