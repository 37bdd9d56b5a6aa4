/// A manifest's jobs, handed over one at a time in the order they are written (by `job_id`),
/// so that a night's manifest is written without all of its jobs in memory at once.
public protocol ManifestJobSource {
    /// Calls `body` with each job, in order.
    func forEachJob(_ body: (ManifestJob) throws -> Void) throws
}

extension Array: ManifestJobSource where Element == ManifestJob {
    /// The jobs in the array's order.
    public func forEachJob(_ body: (ManifestJob) throws -> Void) throws {
        for job in self { try body(job) }
    }
}
