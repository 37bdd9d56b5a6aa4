import TTSArchiveCore

/// The simulated account's jobs, in listing order, plus the generator that makes new ones.
///
/// A value type: the simulator keeps it behind a lock, and every decision about what a page
/// holds is a plain function of this state and the query.
struct JobWorld: Sendable {
    /// Listing order: newest first, ties by uid.
    private(set) var jobs: [SimJob] = []
    private var byUID: [String: SimJob] = [:]
    private var generator: WorldGenerator
    private var appearRNG: SeededRandom
    let windowStart: Int64
    let windowEnd: Int64
    private(set) var appeared = 0

    init(config: SimulatorConfig) {
        generator = WorldGenerator(config: config)
        appearRNG = SeededRandom(seed: config.seed, stream: "appear")
        windowStart = Int64(config.windowStart.timeIntervalSince1970.rounded(.up))
        windowEnd = Int64(config.windowEnd.timeIntervalSince1970.rounded(.down))
        var timeRNG = SeededRandom(seed: config.seed, stream: "create-time")
        var made: [SimJob] = []
        made.reserveCapacity(config.jobCount)
        // Creation order is time order, so "the first giant job" and hostile ranks are the oldest.
        let times = (0..<config.jobCount).map { _ in
            WorldGenerator.time(in: windowStart, max(windowStart, windowEnd), rng: &timeRNG)
        }.sorted()
        for time in times {
            made.append(generator.next(createTime: time, faults: config.faults))
        }
        jobs = made.sorted(by: SimJob.listedBefore)
        for job in jobs { byUID[job.uid] = job }
    }

    /// The job behind an object key's uid.
    func job(uid: String) -> SimJob? { byUID[uid] }

    /// Every job matching the query's filters (`count`) and the page the offset and limit select.
    func list(_ query: ListingQuery) -> (count: Int, page: [SimJob]) {
        var count = 0
        var page: [SimJob] = []
        let end = query.offset + query.limit
        for job in jobs where query.matches(job) {
            if count >= query.offset && count < end { page.append(job) }
            count += 1
        }
        return (count, page)
    }

    /// Adds `count` new jobs created inside the query's range (clamped to the window), so they
    /// sort among the jobs being listed and push later offsets along.
    mutating func appear(_ count: Int, within query: ListingQuery, faults: FaultRates) {
        guard count > 0 else { return }
        var low = windowStart, high = max(windowStart, windowEnd)
        if let since = query.createSince { low = max(low, Int64(since.rounded(.up))) }
        if let until = query.createUntil { high = min(high, Int64(until.rounded(.down))) }
        if low > high { (low, high) = (windowStart, max(windowStart, windowEnd)) }
        for _ in 0..<count {
            let job = generator.next(
                createTime: WorldGenerator.time(in: low, high, rng: &appearRNG), faults: faults)
            insert(job)
            appeared += 1
        }
    }

    private mutating func insert(_ job: SimJob) {
        // Binary search for the first job that lists after the new one.
        var low = 0, high = jobs.count
        while low < high {
            let mid = (low + high) / 2
            if SimJob.listedBefore(jobs[mid], job) { low = mid + 1 } else { high = mid }
        }
        jobs.insert(job, at: low)
        byUID[job.uid] = job
    }
}
