/// A manifest's jobs, handed over one at a time in the order they are written (by `job_id`),
/// so that a night's manifest is written without all of its jobs in memory at once.
public protocol ManifestJobSource {
    /// Calls `body` with each job, in order.
    func forEachJob(_ body: (ManifestJob) throws -> Void) throws

    /// Calls `body` with `render` of each job, in order. A source may render several jobs at
    /// once on the I/O pool (``ManifestJobIndex`` does); by default they go one at a time.
    func forEachJob(rendered render: @escaping @Sendable (ManifestJob) throws -> [UInt8], _ body: ([UInt8]) throws -> Void) throws
}

extension ManifestJobSource {
    public func forEachJob(rendered render: @escaping @Sendable (ManifestJob) throws -> [UInt8], _ body: ([UInt8]) throws -> Void) throws {
        try forEachJob { try body(try render($0)) }
    }
}

extension Array: ManifestJobSource where Element == ManifestJob {
    /// The jobs in the array's order.
    public func forEachJob(_ body: (ManifestJob) throws -> Void) throws {
        for job in self { try body(job) }
    }
}
