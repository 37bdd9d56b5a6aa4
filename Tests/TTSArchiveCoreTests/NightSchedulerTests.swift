import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("the night's scheduler, without I/O")
struct NightSchedulerTests {
    static func task(_ job: String, _ index: Int = 0) -> ArtifactTask {
        ArtifactTask(
            jobID: job, kind: .audio, fileIndex: index, audioFormat: .wav, url: "https://h/\(job)/\(index)",
            listedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func fetchesUpToTheLimitThenWaitsAndListsOnlyWhenShort() {
        var night = NightScheduler(concurrency: 2)
        #expect(night.nextAction() == .list)
        night.handle(.listed((0..<5).map { Self.task("j\($0)") }))
        #expect(night.nextAction() == .fetch(Self.task("j0")))
        #expect(night.nextAction() == .fetch(Self.task("j1")))
        // Three wait, more than a slot's worth: no read-ahead, links would only age.
        #expect(night.nextAction() == .awaitTransfer)
        night.handle(.transferFinished)
        #expect(night.nextAction() == .fetch(Self.task("j2")))
        night.handle(.transferFinished)
        #expect(night.nextAction() == .fetch(Self.task("j3")))
        #expect(night.queued == 1)
        #expect(night.nextAction() == .list)
        night.handle(.listingEnded)
        #expect(night.nextAction() == .awaitTransfer)
        night.handle(.transferFinished)
        #expect(night.nextAction() == .fetch(Self.task("j4")))
        night.handle(.transferFinished)
        #expect(night.nextAction() == .awaitTransfer)
        night.handle(.transferFinished)
        #expect(night.nextAction() == .finish(.init(complete: true, notAttempted: [], diskFault: false)))
    }

    @Test func cancellationStartsNothingMoreWaitsForWhatRunsAndNamesTheRest() {
        var night = NightScheduler(concurrency: 1)
        #expect(night.nextAction() == .list)
        night.handle(.listed([Self.task("a"), Self.task("b"), Self.task("c")]))
        #expect(night.nextAction() == .fetch(Self.task("a")))
        night.handle(.cancelled)
        #expect(night.nextAction() == .cancelTransfers)
        #expect(night.nextAction() == .awaitTransfer)
        night.handle(.transferFinished)
        let end = NightScheduler.Finish(complete: false, notAttempted: [Self.task("b"), Self.task("c")], diskFault: false)
        #expect(night.nextAction() == .finish(end))
        // Spent: asking again changes nothing.
        night.handle(.listed([Self.task("d")]))
        #expect(night.nextAction() == .finish(end))
    }

    @Test func aDiskFaultCancelsTheTransfersOnceAndEndsTheNight() {
        var night = NightScheduler(concurrency: 3)
        _ = night.nextAction()
        night.handle(.listed([Self.task("a"), Self.task("b"), Self.task("c"), Self.task("d")]))
        for _ in 0..<3 { if case .fetch = night.nextAction() {} else { Issue.record("expected a fetch") } }
        night.handle(.transferFinished)
        night.handle(.diskFault)
        #expect(night.nextAction() == .cancelTransfers)
        #expect(night.nextAction() == .awaitTransfer)
        night.handle(.transferFinished)
        #expect(night.nextAction() == .awaitTransfer)
        night.handle(.transferFinished)
        #expect(night.nextAction() == .finish(.init(complete: false, notAttempted: [Self.task("d")], diskFault: true)))
    }

    @Test func aFailedListingStillFetchesWhatItGaveButIsNotComplete() {
        var night = NightScheduler(concurrency: 4)
        _ = night.nextAction()
        night.handle(.listed([Self.task("a")]))
        night.handle(.listingFailed)
        #expect(night.nextAction() == .fetch(Self.task("a")))
        #expect(night.nextAction() == .awaitTransfer)
        night.handle(.transferFinished)
        #expect(night.nextAction() == .finish(.init(complete: false, notAttempted: [], diskFault: false)))
        // Carried-over rounds that stopped on authentication: nothing is listed at all.
        var stopped = NightScheduler(concurrency: 4, listingDone: true)
        #expect(stopped.nextAction() == .finish(.init(complete: false, notAttempted: [], diskFault: false)))
    }

    /// Any interleaving of pages, transfers, cancellation, disk faults and listing failures:
    /// the limit holds, the night ends with nothing in flight, and every artifact given is
    /// either fetched (once) or named as not attempted — never lost, never fetched twice.
    @Test(arguments: 0..<400)
    func noOrderingOfEventsLosesAnArtifact(seed: Int) throws {
        var rng = RetryPolicy.SeededGenerator(seed: UInt64(seed))
        let concurrency = Int.random(in: 1...4, using: &rng)
        var night = NightScheduler(concurrency: concurrency)
        var pages = (0..<Int.random(in: 0...6, using: &rng)).map { page in
            (0..<Int.random(in: 0...5, using: &rng)).map { Self.task("p\(page)", $0) }
        }
        var given: [ArtifactTask] = []
        var started: Set<ArtifactTask> = []
        var running = 0
        var stopped = false, listingFailed = false
        for _ in 0..<10_000 {
            if !stopped && Int.random(in: 0..<100, using: &rng) < 2 {
                stopped = true
                night.handle(Bool.random(using: &rng) ? .cancelled : .diskFault)
            }
            switch night.nextAction() {
            case .fetch(let task):
                #expect(!started.contains(task), "fetched twice: \(task)")
                started.insert(task)
                running += 1
                #expect(running <= concurrency)
            case .list:
                if pages.isEmpty {
                    night.handle(.listingEnded)
                } else if Int.random(in: 0..<100, using: &rng) < 5 {
                    listingFailed = true
                    night.handle(.listingFailed)
                } else {
                    let page = pages.removeFirst()
                    given += page
                    night.handle(.listed(page))
                }
            case .awaitTransfer:
                try #require(running > 0, "waits for a transfer that is not running")
                running -= 1
                night.handle(.transferFinished)
            case .cancelTransfers:
                #expect(stopped)
            case .finish(let end):
                #expect(running == 0)
                let skipped = Set(end.notAttempted)
                #expect(skipped.isDisjoint(with: started))
                #expect(skipped.union(started) == Set(given))
                #expect(end.complete == (!stopped && !listingFailed && pages.isEmpty && skipped.isEmpty))
                #expect(night.nextAction() == .finish(end))
                return
            }
        }
        Issue.record("the night never finished")
    }
}
