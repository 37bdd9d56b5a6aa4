/// Why `restore` or `export` could not do what was asked, with the exit code the contract gives it.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible, ExitCoded {
    /// The kind of failure, with its context.
    public enum Code: Sendable, Equatable {
        /// `--run` is not a run id (`[A-Za-z0-9._-]`, not starting with a dot): exit 2.
        case notARunID(String)
        /// No manifest for that run in the folder: exit 2.
        case unknownRun(runID: String, folder: String)
        /// `--job` names jobs the run does not hold: exit 2.
        case unknownJobs([String])
        /// Files or folders are already where the output would go: exit 2.
        case targetExists([String])
        /// Something other than a directory sits where an output folder must be (a symlink,
        /// a file): exit 2, so nothing is written through it.
        case unsafeTarget(path: String, found: String)
        /// The run's manifest cannot be read as v1: exit 5.
        case unreadableManifest(path: String, reason: String)
        /// An object is damaged, missing, or not the size the manifest records: exit 5.
        case damagedObject(object: String, detail: String)
        /// Reading the manifest or writing the output failed (permissions, disk full): exit 4.
        case io(path: String, detail: String)
    }

    public let code: Code

    /// An error of kind `code`.
    public init(_ code: Code) { self.code = code }

    public var exitCode: Int32 {
        switch code {
        case .notARunID, .unknownRun, .unknownJobs, .targetExists, .unsafeTarget: return ExitClass.usage.code
        case .unreadableManifest, .damagedObject: return ExitClass.damage.code
        case .io: return ExitClass.unusableStore.code
        }
    }

    public var description: String {
        switch code {
        case .notARunID(let text):
            return "\"\(text)\" is not a run id (letters, digits, '.', '_' and '-', not starting with '.')"
        case .unknownRun(let runID, let folder):
            return "no manifest for run \(runID) in \(folder) (looked for \(folder)/\(runID).json)"
        case .unknownJobs(let jobs):
            return "the run holds no job \(jobs.map(ManifestConsistency.describe).joined(separator: ", "))"
        case .targetExists(let paths):
            let shown = paths.prefix(5).joined(separator: ", ")
            return "refusing to overwrite \(shown)\(paths.count > 5 ? " and \(paths.count - 5) more" : ""); use --force or another output folder"
        case .unsafeTarget(let path, let found):
            return "\(path) is \(found), not a directory; refusing to write through it"
        case .unreadableManifest(let path, let reason):
            return "the manifest \(path) cannot be read as \(Manifest.schemaV1): \(reason); run `ttsarchive verify`"
        case .damagedObject(let object, let detail):
            return "object \(object) is damaged: \(detail); nothing was left under its output name"
        case .io(let path, let detail):
            return "\(path): \(detail)"
        }
    }
}
