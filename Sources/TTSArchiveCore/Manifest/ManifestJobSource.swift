/// A manifest's jobs, handed over one at a time in the order they are written (by `job_id`),
/// so that a night's manifest is written without all of its jobs in memory at once.
public protocol ManifestJobSource {
    /// Calls `body` with each job, in order.
    func forEachJob(_ body: (ManifestJob) throws -> Void) throws

    /// Calls `body` with each job's text as an element of the manifest's `jobs` array, in order
    /// (``Manifest/element(_:)`` of its encoding). A source may produce it another way, byte
    /// for byte the same (``ManifestJobIndex`` copies it from the journal's lines).
    func forEachJobElement(_ body: ([UInt8]) throws -> Void) throws
}

extension ManifestJobSource {
    public func forEachJobElement(_ body: ([UInt8]) throws -> Void) throws {
        let encoder = Manifest.makeEncoder()
        try forEachJob { try body(Manifest.element(Array(try encoder.encode($0)))) }
    }
}

extension Array: ManifestJobSource where Element == ManifestJob {
    /// The jobs in the array's order.
    public func forEachJob(_ body: (ManifestJob) throws -> Void) throws {
        for job in self { try body(job) }
    }
}
