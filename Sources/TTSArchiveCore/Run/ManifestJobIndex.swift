import Foundation
import TTSNative

/// Where every job of the window and its stored artifacts are in the run journal, built as a
/// run reads its journal at start and appends to it (``RunState``), or by one scan. The manifest is then written job by job, each read back from
/// the journal, so a night of tens of thousands of artifacts never sits in memory as records:
/// what is kept here is a few offsets per artifact.
///
/// The records chosen are the ones the run has always used: a job's first `job` record, and for
/// each (job, kind, file index) the last `artifact` record; artifacts of jobs without a `job`
/// record are not part of the manifest.
public struct ManifestJobIndex: ManifestJobSource, Sendable {
    /// One stored artifact, packed (40 bytes, not 56): a night holds one per artifact.
    struct StoredArtifact: Sendable {
        private let offset: Int64
        let size: Int64
        /// `audioDuration`'s bits; a NaN for none.
        private let durationBits: UInt64
        private let length: UInt32
        private let index: Int32
        let kind: ArtifactKind

        init(kind: ArtifactKind, fileIndex: Int, size: Int64, audioDuration: Double?, span: JournalSpan) {
            self.kind = kind
            index = Int32(clamping: fileIndex)
            self.size = size
            durationBits = (audioDuration ?? .nan).bitPattern
            offset = span.offset
            length = UInt32(clamping: span.length)
        }

        var fileIndex: Int { Int(index) }
        /// What a later listing of the job needs to know of it (``StoredMark``).
        var audioDuration: Double? {
            let value = Double(bitPattern: durationBits)
            return value.isNaN ? nil : value
        }
        var span: JournalSpan { JournalSpan(offset: offset, length: Int(length)) }
    }

    let path: String
    private var jobs: [String: JournalSpan] = [:]
    private var artifacts: [String: [StoredArtifact]] = [:]

    /// An empty index of the journal at `path`, grown with ``absorb(_:at:)`` as records are
    /// read or appended (a run indexes its journal as it goes, so the end needs no scan).
    init(path: String) {
        self.path = path
    }

    /// Scans the journal at `path`. Blocking.
    public init(journal path: String) throws {
        var index = ManifestJobIndex(path: path)
        try RunJournal.scan(path) { record, span in index.absorb(record, at: span) }
        self = index
    }

    /// Takes note of one record of the journal and where its line is.
    mutating func absorb(_ record: JournalRecord, at span: JournalSpan) {
        switch record.type {
        case .job:
            if let job = record.job, jobs[job.jobID] == nil { jobs[job.jobID] = span }
        case .artifact:
            guard let artifact = record.artifact, let jobID = record.jobID else { return }
            let entry = StoredArtifact(kind: artifact.kind, fileIndex: artifact.fileIndex, size: artifact.size,
                                       audioDuration: artifact.audioDuration, span: span)
            if let same = artifacts[jobID]?.firstIndex(where: { $0.kind == entry.kind && $0.fileIndex == entry.fileIndex }) {
                artifacts[jobID]![same] = entry
            } else {
                artifacts[jobID, default: []].appendExactly(entry)
            }
        default:
            break
        }
    }

    /// The artifact stored for this key, by its last record; nil when none is. The run asks
    /// this of every listed artifact: it is the run's one in-memory record of what is stored
    /// (a second table keyed by "job/kind/index" strings cost ~4 MiB on the 25,000-artifact night).
    func stored(_ jobID: String, _ kind: ArtifactKind, _ fileIndex: Int) -> StoredMark? {
        guard let entry = artifacts[jobID]?.first(where: { $0.kind == kind && $0.fileIndex == fileIndex }) else { return nil }
        return StoredMark(audioDuration: entry.audioDuration)
    }

    /// Jobs the manifest lists.
    public var jobCount: Int { jobs.count }
    /// Artifacts the manifest lists (those of jobs with a `job` record).
    public var artifactCount: Int { listed.reduce(0) { $0 + $1.value.count } }
    /// The source bytes of those artifacts (`counts.bytes`).
    public var bytes: Int64 { listed.reduce(0) { $0 + $1.value.reduce(0) { $0 + $1.size } } }

    private var listed: [String: [StoredArtifact]] { artifacts.filter { jobs[$0.key] != nil } }

    /// Every job with its artifacts, by `job_id`, artifacts by file index then kind. Blocking.
    public func forEachJob(_ body: (ManifestJob) throws -> Void) throws {
        guard !jobs.isEmpty else { return }
        let file = try POSIXFile.openForReading(path)
        let decoder = JSONDecoder()
        for jobID in jobs.keys.sorted() {
            if let job = try job(jobID, file: file, decoder: decoder) { try body(job) }
        }
    }

    /// Each job's manifest text, ``renderBatch`` jobs at a time spread over the I/O pool's
    /// threads. The text is copied from the journal's lines (``CompactJSON``): the records'
    /// JSON is the encoder's, so only the layout changes, and a line is never decoded. Lines
    /// of journals written before checksums are decoded and encoded as before. Blocking.
    public func forEachJobElement(_ body: ([UInt8]) throws -> Void) throws {
        guard !jobs.isEmpty else { return }
        let file = try POSIXFile.openForReading(path)
        let order = jobs.keys.sorted()
        var start = 0
        while start < order.count {
            let batch = Array(order[start..<min(order.count, start + Self.renderBatch)])
            start += batch.count
            let rendered = Locked<[Int: Result<[UInt8]?, any Error>]>([:])
            IOPool.shared.parallel(batch.count) { [self] position in
                let text = Result { try element(batch[position], file: file) }
                rendered.withLock { $0[position] = text }
            }
            let texts = rendered.withLock { $0 }
            for position in batch.indices {
                if let text = try texts[position]!.get() { try body(text) }
            }
        }
    }

    /// Jobs rendered at once by ``forEachJobElement(_:)``: enough to keep every pool thread
    /// busy, few enough that their text is a small part of the memory.
    static let renderBatch = 64

    /// The manifest text of job `jobID`; nil when its record has no job.
    private func element(_ jobID: String, file: POSIXFile) throws -> [UInt8]? {
        let decoder = JSONDecoder()  // not used: lines are only verified
        func json(_ span: JournalSpan, _ key: String) throws -> ArraySlice<UInt8>? {
            let line = try file.read(at: span.offset, count: span.length)
            guard case .checked = JournalLine.read(line[...], decoder: decoder, decoding: false) else { return nil }
            return CompactJSON.member(key, of: ([UInt8(ascii: "{")] + line.dropFirst(JournalLine.headerLength))[...])
        }
        let stored = (artifacts[jobID] ?? []).sorted { ($0.fileIndex, $0.kind) < ($1.fileIndex, $1.kind) }
        if let job = try json(jobs[jobID]!, "job"), let list = CompactJSON.member("artifacts", of: job) {
            var pieces: [ArraySlice<UInt8>] = []
            for artifact in stored {
                guard let piece = try json(artifact.span, "artifact") else { return try decodedElement(jobID, file: file) }
                pieces.append(piece)
            }
            var compact = Array(job[..<list.startIndex])
            compact.append(UInt8(ascii: "["))
            for (index, piece) in pieces.enumerated() {
                if index > 0 { compact.append(UInt8(ascii: ",")) }
                compact.append(contentsOf: piece)
            }
            compact.append(UInt8(ascii: "]"))
            compact.append(contentsOf: job[list.endIndex...])
            var out: [UInt8] = []
            out.reserveCapacity(compact.count * 2)
            CompactJSON.pretty(compact[...], base: 2, into: &out)
            return out
        }
        return try decodedElement(jobID, file: file)
    }

    /// ``element(_:file:)`` the slow way: records decoded, the job encoded.
    private func decodedElement(_ jobID: String, file: POSIXFile) throws -> [UInt8]? {
        guard let job = try job(jobID, file: file, decoder: JSONDecoder()) else { return nil }
        return Manifest.element(Array(try Manifest.makeEncoder().encode(job)))
    }

    /// The job `jobID` with its artifacts, read back from the journal; nil when its record has
    /// no job (not written by this tool).
    private func job(_ jobID: String, file: POSIXFile, decoder: JSONDecoder) throws -> ManifestJob? {
        func record(_ span: JournalSpan) throws -> JournalRecord {
            try RunJournal.record(at: span, in: file, path: path, decoder: decoder)
        }
        guard var job = try record(jobs[jobID]!).job else { return nil }
        let stored = (artifacts[jobID] ?? []).sorted { ($0.fileIndex, $0.kind) < ($1.fileIndex, $1.kind) }
        job.artifacts = try stored.compactMap { try record($0.span).artifact }
        return job
    }
}

private extension Array {
    /// Appends with room for exactly one more: a job has a handful of artifacts, and doubling
    /// left ~40% of each job's array unused on the 10,000-job night.
    mutating func appendExactly(_ element: Element) {
        if count == capacity { reserveCapacity(count + 1) }
        append(element)
    }
}
