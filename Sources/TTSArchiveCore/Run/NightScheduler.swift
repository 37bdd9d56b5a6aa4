import Foundation

/// The night's schedule as a value: what to do next, given what has happened.
///
/// ``NightlyRun`` feeds it events (a page listed, a transfer finished, the disk failed, the run
/// was cancelled) and performs the action it answers (fetch an artifact, list the next page,
/// wait for a transfer, cancel the transfers, finish). It does no I/O, so every ordering of
/// events can be tried in a test; whatever the order, every artifact it was given ends either
/// fetched (its transfer reported back) or named in ``Finish/notAttempted``: none is lost.
///
/// What each transfer does inside (retries, `Retry-After`, Range resume, re-lists on expiry)
/// is ``ArtifactDownloadMachine``'s decision; this type only decides which transfers run.
public struct NightScheduler: Sendable {
    /// Something that happened.
    public enum Event: Sendable, Equatable {
        /// A page of the listing (or the carried-over rounds) gave these artifacts to fetch.
        case listed([ArtifactTask])
        /// The listing has no more pages.
        case listingEnded
        /// The listing stopped on an error (authentication): nothing more is listed, and the
        /// night is not complete.
        case listingFailed
        /// A transfer the scheduler started has reported back, whatever its outcome.
        case transferFinished
        /// The store's or the state's disk failed: start nothing more, stop what runs.
        case diskFault
        /// The run was cancelled (SIGINT/SIGTERM, a lost lease): start nothing more.
        case cancelled
    }

    /// What to do now.
    public enum Action: Sendable, Equatable {
        /// Start this artifact's transfer, then ask again.
        case fetch(ArtifactTask)
        /// List the next page, then report ``Event/listed(_:)`` and, at the end,
        /// ``Event/listingEnded`` (or ``Event/listingFailed``).
        case list
        /// Wait for any transfer to report back (``Event/transferFinished``).
        case awaitTransfer
        /// Cancel the transfers in flight (each still reports back).
        case cancelTransfers
        /// Nothing more will happen: write the manifest.
        case finish(Finish)
    }

    /// How the night ended.
    public struct Finish: Sendable, Equatable {
        /// The whole window was listed and every artifact given was fetched, without a stop.
        public var complete: Bool
        /// Artifacts given but never started (the run stopped first), oldest link first.
        public var notAttempted: [ArtifactTask]
        /// The night stopped on a disk fault.
        public var diskFault: Bool
    }

    /// At most this many artifacts at once (``RunOptions/artifactsInFlight``); the listing reads
    /// ahead until this many wait.
    public let concurrency: Int
    private var queue = ArtifactQueue()
    private(set) public var inFlight = 0
    private var listingDone: Bool
    private var listingFailed = false
    private var cancelled = false
    private var faulted = false
    private var cancelSent = false
    /// The end, fixed when first reached; set means the schedule is spent.
    private var ending: Finish?

    /// A night whose listing is still to be read (`listingDone` false), or already known to
    /// be over (the carried-over rounds stopped on an authentication error).
    public init(concurrency: Int, listingDone: Bool = false) {
        self.concurrency = max(1, concurrency)
        self.listingDone = listingDone
        self.listingFailed = listingDone
    }

    /// Artifacts given and not started yet.
    public var queued: Int { queue.count }

    /// Takes an event into account.
    public mutating func handle(_ event: Event) {
        switch event {
        case .listed(let tasks):
            for task in tasks { queue.push(task) }
        case .listingEnded:
            listingDone = true
        case .listingFailed:
            listingDone = true
            listingFailed = true
        case .transferFinished:
            precondition(inFlight > 0, "a transfer reported back that was never started")
            inFlight -= 1
        case .diskFault:
            faulted = true
        case .cancelled:
            cancelled = true
        }
    }

    /// The next thing to do. Each `.fetch` counts as started; after `.finish` the schedule is
    /// spent and only `.finish` comes back.
    public mutating func nextAction() -> Action {
        if let ending { return .finish(ending) }
        if faulted || cancelled {
            // Stopping: what runs is cancelled once and waited for; nothing new starts.
            if !cancelSent && inFlight > 0 {
                cancelSent = true
                return .cancelTransfers
            }
            if inFlight > 0 { return .awaitTransfer }
            return .finish(finish())
        }
        if inFlight < concurrency, let task = queue.pop() {
            inFlight += 1
            return .fetch(task)
        }
        // Read ahead only while fewer than a slot's worth wait: links age from their listing.
        if queue.count < concurrency && !listingDone { return .list }
        if inFlight > 0 { return .awaitTransfer }
        return .finish(finish())
    }

    private mutating func finish() -> Finish {
        let notAttempted = queue.drain()
        let result = Finish(
            complete: !cancelled && !faulted && !listingFailed && listingDone && notAttempted.isEmpty,
            notAttempted: notAttempted, diskFault: faulted)
        ending = result
        return result
    }
}
