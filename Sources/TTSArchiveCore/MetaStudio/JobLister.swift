/// Lists a window's jobs lazily: each call to ``next()`` reads pages until it has new jobs, so
/// the caller pulls a page only when its download queue has room (links expire one hour after
/// they are listed).
public actor JobLister {
    private let client: MetaStudioClient
    private let window: TimeWindow
    private var cursor: ListingCursor
    /// Records skipped as undecodable, named.
    public private(set) var badRecords: [BadRecord] = []
    /// Unique jobs by state, over everything listed so far.
    public private(set) var countsByState: [String: Int] = [:]
    public private(set) var listed = 0

    public init(client: MetaStudioClient, window: TimeWindow, cursor: ListingCursor = ListingCursor()) {
        self.client = client
        self.window = window
        self.cursor = cursor
    }

    /// The next batch of jobs not seen before, or nil when the listing is complete.
    public func next() async throws -> [TtsJob]? {
        while let offset = cursor.offsetToRead {
            let page = try await client.listJobs(TtsJobQuery(
                limit: cursor.limit, offset: offset, createSince: Timestamp.format(window.since),
                createUntil: Timestamp.format(window.until)))
            badRecords.append(contentsOf: page.badRecords)
            let fresh = cursor.absorb(page, at: offset)
            for job in fresh { countsByState[job.jobState.rawValue, default: 0] += 1 }
            listed += fresh.count
            if !fresh.isEmpty { return fresh }
        }
        return nil
    }

    /// The listing's totals at this moment.
    public struct Snapshot: Sendable {
        public var listed: Int
        public var serverCount: Int
        public var shortfall: Int
        public var countsByState: [String: Int]
        public var badRecords: [BadRecord]
    }

    public var snapshot: Snapshot {
        Snapshot(listed: listed, serverCount: cursor.serverCount, shortfall: cursor.shortfall, countsByState: countsByState, badRecords: badRecords)
    }

    /// The server's latest count for the window.
    public var serverCount: Int { cursor.serverCount }
    /// Jobs the server counted that the listing could not see (drift beyond its passes).
    public var shortfall: Int { cursor.shortfall }
    public var pagesRead: Int { cursor.pagesRead }
}
