import Foundation
import Testing
@testable import TTSArchiveCore

/// A fake, moving listing: newest first, with jobs inserted between page reads.
struct MovingListing {
    var jobs: [String]

    func page(offset: Int, limit: Int) -> TtsJobPage {
        let slice = offset < jobs.count ? Array(jobs[offset..<min(jobs.count, offset + limit)]) : []
        return TtsJobPage(count: jobs.count, jobs: slice.map { TtsJob(jobID: $0, jobState: .succeeded) }, badRecords: [], requestID: nil)
    }
}

@Suite("Listing cursor")
struct ListingCursorTests {
    func drain(_ listing: inout MovingListing, cursor: inout ListingCursor, between: (inout MovingListing, Int) -> Void) -> [String] {
        var out: [String] = []
        var pageNumber = 0
        while let offset = cursor.offsetToRead {
            let page = listing.page(offset: offset, limit: cursor.limit)
            out += cursor.absorb(page, at: offset).map(\.jobID)
            pageNumber += 1
            between(&listing, pageNumber)
            if pageNumber > 10_000 { break }
        }
        return out
    }

    @Test func staticListingIsReadOnceEach() {
        var listing = MovingListing(jobs: (0..<1234).map { "job-\($0)" })
        var cursor = ListingCursor()
        let seen = drain(&listing, cursor: &cursor) { _, _ in }
        #expect(seen.count == 1234)
        #expect(Set(seen).count == 1234)
        #expect(cursor.shortfall == 0)
    }

    @Test func jobsAppearingAtTheFrontLoseNothingAndRepeatNothing() {
        var listing = MovingListing(jobs: (0..<1000).map { "old-\($0)" })
        var cursor = ListingCursor()
        var created = 0
        let seen = drain(&listing, cursor: &cursor) { listing, page in
            // New jobs sort first (newest first), pushing every offset along.
            if page < 15 {
                for _ in 0..<7 { listing.jobs.insert("new-\(created)", at: 0); created += 1 }
            }
        }
        #expect(Set(seen).count == seen.count, "a job was yielded twice")
        #expect(Set(seen) == Set(listing.jobs), "missing: \(Set(listing.jobs).subtracting(seen).count)")
        #expect(cursor.shortfall == 0)
    }

    @Test func jobsInsertedInTheMiddleAreFoundByAnotherPass() {
        var listing = MovingListing(jobs: (0..<500).map { "old-\($0)" })
        var cursor = ListingCursor()
        let seen = drain(&listing, cursor: &cursor) { listing, page in
            if page == 3 { listing.jobs.insert("late-arrival", at: 10) }
        }
        #expect(seen.contains("late-arrival"))
        #expect(Set(seen).count == 501)
        #expect(seen.count == 501)
    }

    @Test func removalsAreAbsorbedByTheOverlap() {
        var listing = MovingListing(jobs: (0..<400).map { "j-\($0)" })
        let original = Set(listing.jobs)
        var cursor = ListingCursor()
        var removed: Set<String> = []
        let seen = drain(&listing, cursor: &cursor) { listing, page in
            if page == 1 { for _ in 0..<5 { removed.insert(listing.jobs.remove(at: 0)) } }
        }
        #expect(Set(seen).union(removed) == original)
        #expect(Set(seen).count == seen.count)
    }

    @Test func emptyListing() {
        var listing = MovingListing(jobs: [])
        var cursor = ListingCursor()
        #expect(drain(&listing, cursor: &cursor) { _, _ in }.isEmpty)
        #expect(cursor.offsetToRead == nil)
    }
}
