import TTSArchiveCore

/// `restore --json` and `export --json`: what was written from a run (docs/formats.md#command-results).
struct AuditResult: Encodable {
    /// A job left out because its id cannot be a folder name.
    struct Refused: Encodable {
        var jobID: String
        var reason: String

        init(_ job: RefusedJob) {
            jobID = job.jobID
            reason = job.description
        }

        enum CodingKeys: String, CodingKey {
            case reason
            case jobID = "job_id"
        }
    }

    /// A file that could not be written, and why.
    struct Failure: Encodable {
        var path: String
        var error: String
    }

    var runID: String
    var files: Int
    var written: Int
    var bytes: Int64
    var out: String?
    var bagit: String?
    var tar: String?
    var refused: [Refused] = []
    var failures: [Failure] = []

    enum CodingKeys: String, CodingKey {
        case files, written, bytes, out, bagit, tar, refused, failures
        case runID = "run_id"
    }
}
