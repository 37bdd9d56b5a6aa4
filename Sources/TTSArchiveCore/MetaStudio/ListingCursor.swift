/// Decides which ShowTtsJob page to read next so that a listing that moves while it is read
/// loses no job and yields none twice. Pure: pages go in, offsets and new jobs come out.
///
/// The server orders newest first, so jobs created during the listing push later records to
/// higher offsets (seen again: de-duplicated by `job_id`), and a removed job pulls them back
/// (caught by re-reading `overlap` records of the previous page). A job inserted before the
/// current offset is only visible to a new pass, so when a pass ends with fewer unique jobs than
/// the server's `count`, another pass starts from offset 0, up to `maxPasses`.
public struct ListingCursor: Sendable {
    public let limit: Int
    public let overlap: Int
    public let maxPasses: Int
    private(set) var nextOffset: Int? = 0
    private(set) var pass = 1
    private var seen = JobIDSet()
    private var anonymousBadThisPass = 0
    private var newThisPass = 0
    /// The latest `count` the server reported.
    public private(set) var serverCount = 0
    /// Pages read, for the manifest and stats.
    public private(set) var pagesRead = 0

    /// The most jobs room is made for up front (2 MiB of table): beyond it the set grows.
    static let reservedJobsCap = 100_000

    public init(limit: Int = 100, overlap: Int = 10, maxPasses: Int = 3) {
        precondition(limit >= 1 && limit <= 100 && overlap >= 0 && overlap < limit)
        self.limit = limit
        self.overlap = overlap
        self.maxPasses = maxPasses
    }

    /// The offset of the page to read next, or nil when the listing is complete.
    public var offsetToRead: Int? { nextOffset }

    /// Unique jobs seen so far.
    public var uniqueJobs: Int { seen.count }

    /// True when the listing ended with fewer jobs than the server counted (drift beyond what
    /// the passes could absorb); the run reports it.
    public var shortfall: Int { nextOffset == nil ? max(0, serverCount - seen.count - anonymousBadThisPass) : 0 }

    /// Takes the page read at `offset`; returns the jobs not seen before, in page order.
    public mutating func absorb(_ page: TtsJobPage, at offset: Int) -> [TtsJob] {
        pagesRead += 1
        serverCount = page.count
        // Sized once from the server's count (capped: a count is not a promise) so the set
        // never holds its old and new table at once while it grows.
        if pagesRead == 1 { seen.reserveCapacity(min(max(page.count, 0), Self.reservedJobsCap)) }
        var fresh: [TtsJob] = []
        for job in page.jobs where seen.insert(job.jobID) {
            fresh.append(job)
        }
        for bad in page.badRecords {
            if let id = bad.jobID { seen.insert(id) } else { anonymousBadThisPass += 1 }
        }
        newThisPass += fresh.count
        let received = page.jobs.count + page.badRecords.count
        if received > 0 && offset + received < page.count {
            // Step back `overlap` records, but always make progress.
            nextOffset = max(offset + 1, offset + received - overlap)
            return fresh
        }
        // End of a pass.
        let accounted = seen.count + anonymousBadThisPass
        if accounted < page.count && pass < maxPasses && (pass == 1 || newThisPass > 0) {
            pass += 1
            newThisPass = 0
            anonymousBadThisPass = 0
            nextOffset = 0
        } else {
            nextOffset = nil
        }
        return fresh
    }
}
