/// Checks that a manifest that matches the schema also agrees with itself: the writer sorts jobs,
/// names each artifact once and sums the sizes, so a hand edit that forgets one of these shows.
public enum ManifestConsistency {
    /// The contradictions in `manifest`; empty when there are none.
    public static func issues(in manifest: Manifest) -> [String] {
        var issues: [String] = []
        var previousJobID: String?
        var seenJobs = Set<String>()
        for (index, job) in manifest.jobs.enumerated() {
            if !seenJobs.insert(job.jobID).inserted {
                issues.append("jobs[\(index)]: job \(describe(job.jobID)) appears more than once")
            } else if let previousJobID, job.jobID < previousJobID {
                issues.append("jobs[\(index)]: job \(describe(job.jobID)) is out of order (jobs are sorted by job_id)")
            }
            previousJobID = job.jobID
            var seenArtifacts = Set<String>()
            for (artifactIndex, artifact) in job.artifacts.enumerated() {
                let name = "\(artifact.kind.rawValue)[\(artifact.fileIndex)]"
                if !seenArtifacts.insert(name).inserted {
                    issues.append("jobs[\(index)].artifacts[\(artifactIndex)]: job \(describe(job.jobID)) names \(name) twice")
                }
            }
        }
        let artifacts = manifest.jobs.flatMap(\.artifacts)
        if manifest.counts.artifactsStored != artifacts.count {
            issues.append("counts.artifacts_stored is \(manifest.counts.artifactsStored) but the jobs list \(artifacts.count) artifacts")
        }
        // The sizes come from the file: a damaged or hostile one can make them sum past Int64,
        // which must be reported, not trap (Tests/Fixtures/fuzz/manifest-size-overflow.json).
        var bytes: Int64? = 0
        for artifact in artifacts {
            guard let sum = bytes else { break }
            let (next, overflow) = sum.addingReportingOverflow(artifact.size)
            bytes = overflow ? nil : next
        }
        if let bytes {
            if manifest.counts.bytes != bytes {
                issues.append("counts.bytes is \(manifest.counts.bytes) but the artifacts' sizes sum to \(bytes)")
            }
        } else {
            issues.append("the artifacts' sizes sum past \(Int64.max) bytes: some size is wrong")
        }
        return issues
    }

    /// A job id as it can be printed safely (control characters escaped).
    static func describe(_ jobID: String) -> String {
        "\"" + jobID.unicodeScalars.prefix(120).map { $0.escaped(asASCII: false) }.joined() + "\""
    }
}
