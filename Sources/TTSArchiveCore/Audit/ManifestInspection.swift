import Crypto
import Foundation

/// What one manifest file says about itself and the chain, read from its bytes.
///
/// Only the few fields the chain needs are kept, so walking years of manifests holds one file's
/// bytes at a time; the objects it names go into ``ObjectExpectations`` as it is read.
public struct ManifestInspection: Sendable {
    /// The file's name in its folder (`<run_id>.json`).
    public var name: String
    /// SHA-256 of the file's bytes: what the next manifest's link must record.
    public var sha256: String
    /// `run_id`, when it is a string.
    public var runID: String?
    /// `finished_at`, when it parses.
    public var finishedAt: Date?
    /// `previous_manifest`, when it is a well-formed link (a plain run id and a digest).
    public var previous: ManifestLink?
    /// False when the file is not JSON or its link cannot be read, so the chain cannot be
    /// followed past it.
    public var linkReadable: Bool
    /// Schema, consistency and readability problems of the file itself.
    public var problems: [ManifestProblem]

    /// Reads `bytes` (the file `name`, shown as `path` in problems) and records the objects it
    /// names in `expectations`.
    public static func inspect(
        name: String, path: String, bytes: [UInt8], into expectations: inout ObjectExpectations
    ) -> ManifestInspection {
        var inspection = ManifestInspection(
            name: name, sha256: SHA256.hash(data: bytes).hexString, linkReadable: false, problems: [])
        let json: RawJSON
        do {
            json = try RawJSON.parse(bytes)
        } catch {
            inspection.problems.append(ManifestProblem(kind: .unreadable, path: path, detail: "not JSON: \(Self.reason(error))"))
            return inspection
        }
        let issues = ManifestSchema.issues(in: json)
        let shown = issues.prefix(20).map { ManifestProblem(kind: .schema, path: path, detail: $0) }
        inspection.problems += shown
        if issues.count > shown.count {
            inspection.problems.append(ManifestProblem(kind: .schema, path: path, detail: "… and \(issues.count - shown.count) more schema problems"))
        }
        let top = json.objectValue ?? [:]
        inspection.runID = top["run_id"]?.stringValue
        inspection.finishedAt = top["finished_at"]?.stringValue.flatMap(Timestamp.parse)
        switch top["previous_manifest"] {
        case .null?:
            inspection.linkReadable = true
        case .object(let link)?:
            if let runID = link["run_id"]?.stringValue, SafePathComponent.isPlain(runID),
                let sha = link["sha256"]?.stringValue, let digest = ContentDigest(hex: sha) {
                inspection.previous = ManifestLink(runID: runID, sha256: digest.hex)
                inspection.linkReadable = true
            }
        default:
            break
        }
        recordObjects(top, manifest: name, into: &expectations)
        if issues.isEmpty {
            do {
                let manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
                inspection.problems += ManifestConsistency.issues(in: manifest).map { ManifestProblem(kind: .inconsistent, path: path, detail: $0) }
            } catch {
                inspection.problems.append(ManifestProblem(kind: .schema, path: path, detail: "does not decode as a v1 manifest: \(Self.reason(error))"))
            }
        }
        return inspection
    }

    /// Records every well-formed artifact entry; malformed ones are already schema problems.
    private static func recordObjects(_ top: [String: RawJSON], manifest: String, into expectations: inout ObjectExpectations) {
        for job in top["jobs"]?.arrayValue ?? [] {
            guard let job = job.objectValue, let jobID = job["job_id"]?.stringValue else { continue }
            for artifact in job["artifacts"]?.arrayValue ?? [] {
                guard let artifact = artifact.objectValue,
                    let kind = artifact["kind"]?.stringValue.flatMap(ArtifactKind.init(rawValue:)),
                    let index = artifact["file_index"]?.integerValue,
                    let digest = artifact["sha256"]?.stringValue.flatMap(ContentDigest.init(hex:)),
                    let size = artifact["size"]?.integerValue,
                    let storedSize = artifact["stored_size"]?.integerValue,
                    let storedSHA = artifact["stored_sha256"]?.stringValue
                else { continue }
                expectations.record(
                    digest, .init(size: size, storedSize: storedSize, storedSHA256: storedSHA.lowercased()),
                    by: ObjectReference(manifest: manifest, jobID: jobID, kind: kind, fileIndex: Int(index)))
            }
        }
    }

    /// A decoding error's reason without Foundation's coding-path noise.
    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "key \(key.stringValue) is missing"
        case DecodingError.typeMismatch(_, let context): return context.debugDescription
        case DecodingError.valueNotFound(_, let context): return context.debugDescription
        default: return "\(error)"
        }
    }
}
